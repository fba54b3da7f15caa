//! A course's content as a document of its own, apart from the deck it was
//! built into: every planned slide under a stable id and its module, so
//! editors can change words, add, remove and reorder slides, and a rebuild
//! turns the edited document into a deck without planning (or writing)
//! again. Comments and version diffs hold on to the ids, not positions.

use deck::{Bullet, DeckPlan, SlideContent, SlidePlan};
use serde::{Deserialize, Serialize};
use types::content::{ContentChange, FieldChange, Line, SlideChange, SlideMention, SlideText};

/// At most this many characters in a title, subtitle or caption.
pub const MAX_TITLE_CHARS: usize = 200;
/// At most this many characters in one bullet.
pub const MAX_LINE_CHARS: usize = 400;
/// At most this many lines in one list (long lists continue on more slides).
pub const MAX_LINES: usize = 40;
/// At most this many characters of speaker notes.
pub const MAX_NOTES_CHARS: usize = 10_000;
/// At most this many slides in a course.
pub const MAX_SLIDES: usize = 600;

/// The stored document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Content {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub lang: Option<String>,
    /// Module titles, in order.
    #[serde(default)]
    pub modules: Vec<String>,
    pub slides: Vec<Slide>,
    /// The number in the next new slide's id.
    pub next_id: u32,
}

/// One planned slide with its id and module.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slide {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<u16>,
    pub plan: SlidePlan,
}

/// Why a change was refused; the text says what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("There is no slide {0} in this course (it may have been removed).")]
    NoSlide(String),
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
}

fn invalid(field: &str, message: impl Into<String>) -> Refused {
    Refused::Invalid {
        field: field.to_owned(),
        message: message.into(),
    }
}

impl Content {
    /// The document of a freshly planned course: ids `s1`, `s2`, … in order;
    /// a section slide opens a module, which runs until the next section,
    /// agenda or closing slide.
    pub fn from_plan(plan: &DeckPlan, module_titles: Vec<String>) -> Content {
        let mut module: Option<u16> = None;
        let mut next: u16 = 0;
        let slides = plan
            .slides
            .iter()
            .enumerate()
            .map(|(i, s)| {
                match s.content {
                    SlideContent::Section { .. } => {
                        module = Some(next);
                        next = next.saturating_add(1);
                    }
                    SlideContent::Title { .. }
                    | SlideContent::Agenda { .. }
                    | SlideContent::Closing { .. } => module = None,
                    _ => {}
                }
                Slide {
                    id: format!("s{}", i + 1),
                    module,
                    plan: s.clone(),
                }
            })
            .collect();
        Content {
            title: plan.title.clone(),
            lang: plan.lang.clone(),
            modules: module_titles,
            slides,
            next_id: u32::try_from(plan.slides.len()).unwrap_or(u32::MAX - 1) + 1,
        }
    }

    /// The deck plan to build.
    pub fn to_plan(&self) -> DeckPlan {
        DeckPlan {
            title: self.title.clone(),
            lang: self.lang.clone(),
            slides: self.slides.iter().map(|s| s.plan.clone()).collect(),
        }
    }

    /// Every slide as the editor shows it.
    pub fn view(&self) -> Vec<SlideText> {
        self.slides.iter().map(text_of).collect()
    }

    fn position(&self, id: &str) -> Result<usize, Refused> {
        self.slides
            .iter()
            .position(|s| s.id == id)
            .ok_or_else(|| Refused::NoSlide(id.to_owned()))
    }

    /// Applies one change, checked against the limits first; the document
    /// is unchanged when it is refused.
    pub fn apply(&mut self, change: &ContentChange) -> Result<(), Refused> {
        match change {
            ContentChange::Edit { slide } => {
                let at = self.position(&slide.id)?;
                check(slide)?;
                put_text(&mut self.slides[at].plan, slide);
            }
            ContentChange::Add { after, title } => {
                let at = self.position(after)?;
                if self.slides.len() >= MAX_SLIDES {
                    return Err(invalid(
                        "slides",
                        format!("a course has at most {MAX_SLIDES} slides"),
                    ));
                }
                check_title("title", title)?;
                let module = self.slides[at].module;
                if module.is_none() {
                    return Err(invalid(
                        "after",
                        "new slides go inside a module: pick a slide of the module to add to",
                    ));
                }
                let id = format!("s{}", self.next_id);
                self.next_id = self.next_id.saturating_add(1);
                // Every slide has notes: a new one starts with a prompt in
                // the course's language, for the editor to make their own.
                let lang = self.lang.as_deref().and_then(|l| l.get(..2)).unwrap_or("en");
                let notes = crate::labels::labels(lang)
                    .added_notes
                    .replace("{title}", title.trim());
                let plan = SlidePlan::new(SlideContent::Bullets {
                    title: title.trim().to_owned(),
                    bullets: Vec::new(),
                })
                .with_notes(notes);
                self.slides.insert(at + 1, Slide { id, module, plan });
            }
            ContentChange::Remove { id } => {
                let at = self.position(id)?;
                let slide = &self.slides[at];
                if slide.module.is_none() || matches!(slide.plan.content, SlideContent::Section { .. }) {
                    return Err(invalid(
                        "id",
                        "the course's own slides and a module's section slide stay; remove the module's other slides",
                    ));
                }
                self.slides.remove(at);
            }
            ContentChange::Move { id, by } => {
                let at = self.position(id)?;
                let module = self.slides[at].module;
                let to = match by {
                    -1 => at.checked_sub(1),
                    1 => Some(at + 1),
                    _ => return Err(invalid("by", "a slide moves one place: -1 (up) or 1 (down)")),
                };
                let movable = |i: usize| {
                    self.slides.get(i).is_some_and(|s| {
                        s.module == module
                            && module.is_some()
                            && !matches!(s.plan.content, SlideContent::Section { .. })
                    })
                };
                match to {
                    Some(to) if movable(at) && movable(to) => self.slides.swap(at, to),
                    _ => {
                        return Err(invalid(
                            "by",
                            "a slide moves within its module, below the module's section slide",
                        ))
                    }
                }
            }
        }
        Ok(())
    }

    /// What changed from `self` (older) to `newer`, slide by slide (by id).
    pub fn diff(&self, newer: &Content) -> (Vec<SlideMention>, Vec<SlideMention>, Vec<SlideChange>) {
        let old: Vec<SlideText> = self.view();
        let new: Vec<SlideText> = newer.view();
        let mention = |s: &SlideText| SlideMention {
            id: s.id.clone(),
            title: s.title.clone(),
        };
        let added = new
            .iter()
            .filter(|n| !old.iter().any(|o| o.id == n.id))
            .map(mention)
            .collect();
        let removed = old
            .iter()
            .filter(|o| !new.iter().any(|n| n.id == o.id))
            .map(mention)
            .collect();
        // Order among the slides both versions have: a slide moved when the
        // ones before it are not the same.
        let kept_old: Vec<&str> = old
            .iter()
            .filter(|o| new.iter().any(|n| n.id == o.id))
            .map(|s| s.id.as_str())
            .collect();
        let kept_new: Vec<&str> = new
            .iter()
            .filter(|n| old.iter().any(|o| o.id == n.id))
            .map(|s| s.id.as_str())
            .collect();
        let mut changed = Vec::new();
        for (k, n) in new
            .iter()
            .filter(|n| kept_new.contains(&n.id.as_str()))
            .enumerate()
        {
            let Some(o) = old.iter().find(|o| o.id == n.id) else {
                continue;
            };
            let fields = field_changes(o, n);
            let moved = kept_old.get(k) != Some(&n.id.as_str());
            if !fields.is_empty() || moved {
                changed.push(SlideChange {
                    id: n.id.clone(),
                    title: n.title.clone(),
                    fields,
                    moved,
                });
            }
        }
        (added, removed, changed)
    }
}

fn lines_text(lines: &Option<Vec<Line>>) -> String {
    lines
        .iter()
        .flatten()
        .map(|l| format!("{}{}", "  ".repeat(usize::from(l.level)), l.text))
        .collect::<Vec<_>>()
        .join("\n")
}

fn field_changes(o: &SlideText, n: &SlideText) -> Vec<FieldChange> {
    let pairs = [
        ("title", o.title.clone(), n.title.clone()),
        (
            "subtitle",
            o.subtitle.clone().unwrap_or_default(),
            n.subtitle.clone().unwrap_or_default(),
        ),
        ("bullets", lines_text(&o.bullets), lines_text(&n.bullets)),
        ("right", lines_text(&o.right), lines_text(&n.right)),
        ("notes", o.notes.clone(), n.notes.clone()),
    ];
    pairs
        .into_iter()
        .filter(|(_, a, b)| a != b)
        .map(|(field, before, after)| FieldChange {
            field: field.to_owned(),
            before,
            after,
        })
        .collect()
}

fn lines(bullets: &[Bullet]) -> Vec<Line> {
    bullets
        .iter()
        .map(|b| Line {
            text: b.text().to_owned(),
            level: b.level(),
        })
        .collect()
}

fn bullets(lines: &[Line]) -> Vec<Bullet> {
    lines
        .iter()
        .filter(|l| !l.text.trim().is_empty())
        .map(|l| match l.level.min(4) {
            0 => Bullet::Text(l.text.trim().to_owned()),
            level => Bullet::Leveled {
                text: l.text.trim().to_owned(),
                level,
            },
        })
        .collect()
}

/// The editor's view of one slide.
pub fn text_of(slide: &Slide) -> SlideText {
    use SlideContent as C;
    let mut t = SlideText {
        id: slide.id.clone(),
        module: slide.module,
        kind: String::new(),
        title: String::new(),
        subtitle: None,
        bullets: None,
        right: None,
        notes: slide.plan.notes.clone(),
    };
    let (kind, title) = match &slide.plan.content {
        C::Title { title, subtitle } => {
            t.subtitle = Some(subtitle.clone());
            ("title", title.clone())
        }
        C::Section { title, subtitle } => {
            t.subtitle = Some(subtitle.clone());
            ("section", title.clone())
        }
        C::Closing { title, subtitle } => {
            t.subtitle = Some(subtitle.clone());
            ("closing", title.clone())
        }
        C::Agenda { title, items } => {
            t.bullets = Some(lines(items));
            ("agenda", title.clone())
        }
        C::Bullets { title, bullets } => {
            t.bullets = Some(lines(bullets));
            ("bullets", title.clone())
        }
        C::TwoColumn {
            title, left, right, ..
        } => {
            t.bullets = Some(lines(left));
            t.right = Some(lines(right));
            ("two_column", title.clone())
        }
        C::Picture { title, caption, .. } => {
            t.subtitle = Some(caption.clone());
            ("picture", title.clone())
        }
        C::Table { title, .. } => ("table", title.clone()),
        C::Quote { text, attribution } => {
            t.subtitle = Some(attribution.clone());
            ("quote", text.clone())
        }
        C::Clone { replace, .. } => ("clone", replace.get("{{topic}}").cloned().unwrap_or_default()),
    };
    t.kind = kind.to_owned();
    t.title = title;
    t
}

/// Puts the editor's words into the slide's plan; fields its kind does not
/// have are ignored (a bank slide takes only its notes).
fn put_text(plan: &mut SlidePlan, t: &SlideText) {
    use SlideContent as C;
    let new_title = t.title.trim().to_owned();
    let sub = t.subtitle.as_deref().map(|s| s.trim().to_owned());
    match &mut plan.content {
        C::Title { title, subtitle } | C::Section { title, subtitle } | C::Closing { title, subtitle } => {
            *title = new_title;
            if let Some(s) = sub {
                *subtitle = s;
            }
        }
        C::Agenda { title, items: list } | C::Bullets { title, bullets: list } => {
            *title = new_title;
            if let Some(l) = &t.bullets {
                *list = bullets(l);
            }
        }
        C::TwoColumn {
            title, left, right, ..
        } => {
            *title = new_title;
            if let Some(l) = &t.bullets {
                *left = bullets(l);
            }
            if let Some(r) = &t.right {
                *right = bullets(r);
            }
        }
        C::Picture { title, caption, .. } => {
            *title = new_title;
            if let Some(s) = sub {
                *caption = s;
            }
        }
        C::Table { title, .. } => *title = new_title,
        C::Quote { text, attribution } => {
            *text = new_title;
            if let Some(s) = sub {
                *attribution = s;
            }
        }
        C::Clone { .. } => {}
    }
    plan.notes = t.notes.trim_end().to_owned();
}

fn check_title(field: &str, text: &str) -> Result<(), Refused> {
    let n = text.trim().chars().count();
    if n == 0 {
        return Err(invalid(field, "cannot be empty"));
    }
    if n > MAX_TITLE_CHARS {
        return Err(invalid(
            field,
            format!("has {n} characters; at most {MAX_TITLE_CHARS} fit on a slide"),
        ));
    }
    Ok(())
}

fn check_lines(field: &str, lines: &Option<Vec<Line>>) -> Result<(), Refused> {
    let Some(lines) = lines else { return Ok(()) };
    if lines.len() > MAX_LINES {
        return Err(invalid(
            field,
            format!("has {} lines; at most {MAX_LINES} are allowed", lines.len()),
        ));
    }
    for (i, l) in lines.iter().enumerate() {
        let n = l.text.chars().count();
        if n > MAX_LINE_CHARS {
            return Err(invalid(
                field,
                format!(
                    "line {} has {n} characters; at most {MAX_LINE_CHARS} are allowed",
                    i + 1
                ),
            ));
        }
        if l.level > 4 {
            return Err(invalid(
                field,
                format!("line {} is indented {} levels; at most 4", i + 1, l.level),
            ));
        }
    }
    Ok(())
}

fn check(t: &SlideText) -> Result<(), Refused> {
    if t.kind != "clone" {
        check_title("title", &t.title)?;
    }
    if let Some(s) = &t.subtitle {
        if s.chars().count() > MAX_TITLE_CHARS {
            return Err(invalid(
                "subtitle",
                format!("at most {MAX_TITLE_CHARS} characters"),
            ));
        }
    }
    check_lines("bullets", &t.bullets)?;
    check_lines("right", &t.right)?;
    let n = t.notes.chars().count();
    if n > MAX_NOTES_CHARS {
        return Err(invalid(
            "notes",
            format!("have {n} characters; at most {MAX_NOTES_CHARS} are allowed"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course() -> Content {
        let plan = DeckPlan {
            title: Some("Safety".into()),
            lang: None,
            slides: vec![
                SlidePlan::new(SlideContent::Title {
                    title: "Safety".into(),
                    subtitle: "1 day".into(),
                }),
                SlidePlan::new(SlideContent::Agenda {
                    title: "Agenda".into(),
                    items: vec!["Fire".into()],
                }),
                SlidePlan::new(SlideContent::Section {
                    title: "Module 1: Fire".into(),
                    subtitle: String::new(),
                }),
                SlidePlan::new(SlideContent::Bullets {
                    title: "Exits".into(),
                    bullets: vec!["Know two".into()],
                })
                .with_notes("Point at the exits."),
                SlidePlan::new(SlideContent::Bullets {
                    title: "Alarms".into(),
                    bullets: vec!["Test weekly".into()],
                }),
                SlidePlan::new(SlideContent::Closing {
                    title: "Questions?".into(),
                    subtitle: String::new(),
                }),
            ],
        };
        Content::from_plan(&plan, vec!["Fire".into()])
    }

    #[test]
    fn modules_run_from_their_section_to_the_next_course_slide() {
        let c = course();
        let modules: Vec<Option<u16>> = c.slides.iter().map(|s| s.module).collect();
        assert_eq!(modules, vec![None, None, Some(0), Some(0), Some(0), None]);
        assert_eq!(c.next_id, 7);
        assert_eq!(c.to_plan().slides.len(), 6);
    }

    #[test]
    fn an_edit_changes_one_slide_and_the_diff_names_it() {
        let before = course();
        let mut after = before.clone();
        let mut t = after.view()[3].clone();
        t.bullets = Some(vec![
            Line {
                text: "Know two exits".into(),
                level: 0,
            },
            Line {
                text: "Keep them clear".into(),
                level: 1,
            },
        ]);
        after.apply(&ContentChange::Edit { slide: t }).expect("edit");
        let plans_before = before.to_plan();
        let plans_after = after.to_plan();
        for i in [0, 1, 2, 4, 5] {
            assert_eq!(
                plans_before.slides[i], plans_after.slides[i],
                "slide {i} untouched"
            );
        }
        let (added, removed, changed) = before.diff(&after);
        assert!(added.is_empty() && removed.is_empty());
        assert_eq!(changed.len(), 1);
        assert_eq!(changed[0].id, "s4");
        assert_eq!(changed[0].fields[0].field, "bullets");
        assert_eq!(changed[0].fields[0].after, "Know two exits\n  Keep them clear");
    }

    #[test]
    fn slides_are_added_removed_and_moved_within_their_module_only() {
        let mut c = course();
        c.apply(&ContentChange::Add {
            after: "s3".into(),
            title: "Drills".into(),
        })
        .expect("add");
        assert_eq!(c.slides[3].id, "s7");
        assert_eq!(c.slides[3].module, Some(0));
        c.apply(&ContentChange::Move {
            id: "s7".into(),
            by: 1,
        })
        .expect("move down");
        assert_eq!(c.slides[4].id, "s7");
        // Not above the section, not out of the module, not the course's slides.
        let refused = c.apply(&ContentChange::Move {
            id: "s4".into(),
            by: -1,
        });
        assert!(matches!(refused, Err(Refused::Invalid { .. })), "{refused:?}");
        assert!(c.apply(&ContentChange::Remove { id: "s3".into() }).is_err());
        assert!(c.apply(&ContentChange::Remove { id: "s1".into() }).is_err());
        c.apply(&ContentChange::Remove { id: "s5".into() })
            .expect("remove");
        let before = course();
        let (added, removed, changed) = before.diff(&c);
        assert_eq!(
            added.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
            vec!["s7"]
        );
        assert_eq!(
            removed.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
            vec!["s5"]
        );
        assert!(changed.is_empty(), "{changed:?}");
    }

    #[test]
    fn edits_over_the_limits_are_refused_and_change_nothing() {
        let mut c = course();
        let before = c.clone();
        let mut t = c.view()[3].clone();
        t.title = "x".repeat(MAX_TITLE_CHARS + 1);
        assert!(matches!(
            c.apply(&ContentChange::Edit { slide: t.clone() }),
            Err(Refused::Invalid { field, .. }) if field == "title"
        ));
        t.title = "Ok".into();
        t.bullets = Some(vec![
            Line {
                text: "a".into(),
                level: 0
            };
            MAX_LINES + 1
        ]);
        assert!(c.apply(&ContentChange::Edit { slide: t }).is_err());
        assert_eq!(c, before);
        assert!(matches!(
            c.apply(&ContentChange::Remove { id: "s99".into() }),
            Err(Refused::NoSlide(_))
        ));
    }

    #[test]
    fn the_document_round_trips_through_json() {
        let c = course();
        let json = serde_json::to_string(&c).expect("json");
        let back: Content = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, c);
    }
}
