//! What the template page shows: each template's card, and the intake
//! report of one template (which layout serves each role and why, what the
//! lint found, pictures of the main roles).

use super::catalogue::{open_checked, resolve, sample_names};

/// What a template will do with a course, before any job starts: the
/// layout each kind of slide goes on and why, the masters the designer's
/// samples use, readability warnings — read in milliseconds, never waiting
/// for pictures: those are drawn in the background (started here, charged
/// to `user`) and the page asks for them with [`pictures`]. `None` for a
/// choice that is not a template here.
pub async fn report(
    state: &crate::AppState,
    choice: &str,
    user: Option<i64>,
) -> crate::Result<Option<types::templates::TemplateReport>> {
    let Some(path) = resolve(&state.config, choice) else {
        return Ok(None);
    };
    let mut report = {
        let _place = crate::gate::TEMPLATE.enter().await?;
        let (path, choice) = (path.clone(), choice.to_owned());
        tokio::task::spawn_blocking(move || -> crate::Result<types::templates::TemplateReport> {
            let data = std::fs::read(&path)?;
            let template = open_checked(&data)?;
            Ok(describe(&template, choice))
        })
        .await
        .map_err(|e| anyhow::anyhow!("reading the template stopped: {e}"))??
    };
    report.pages = crate::templates::previews::TEMPLATE_PAGES
        .iter()
        .enumerate()
        .map(|(i, (_, label))| types::templates::PreviewPage {
            n: i + 1,
            role: (*label).into(),
        })
        .collect();
    report.pictures = crate::templates::previews::template_pictures(state, &path, user).await;
    if let types::templates::Pictures::Unavailable { reason, .. } = &report.pictures {
        report.unavailable = Some(reason.clone());
    }
    Ok(Some(report))
}

/// Where a template's pictures are, without waiting (see [`report`]);
/// `retry` first forgets a failed drawing. `None` for an unknown choice.
pub async fn pictures(
    state: &crate::AppState,
    choice: &str,
    user: Option<i64>,
    retry: bool,
) -> Option<types::templates::Pictures> {
    let path = resolve(&state.config, choice)?;
    if retry {
        crate::templates::previews::forget_template_failure(state, &path).await;
    }
    Some(crate::templates::previews::template_pictures(state, &path, user).await)
}

/// The sample templates as New course shows them: name, layouts, and
/// whether pictures can be drawn here. Layout names are read once per
/// template file (kept by its name, size and time).
pub async fn cards(state: &crate::AppState) -> Vec<types::templates::TemplateCard> {
    static LAYOUTS: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<String, Vec<String>>>> =
        std::sync::LazyLock::new(Default::default);
    let dir = state.config.sample_templates_dir.clone();
    let pictures = crate::templates::previews::drawable(state).is_ok();
    let mut cards = Vec::new();
    for choice in sample_names(&dir) {
        let path = dir.join(&choice);
        let key = crate::templates::previews::template_key(&path).unwrap_or_default();
        let cached = LAYOUTS
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
            .cloned();
        let layouts = match cached {
            Some(l) => l,
            None => {
                let read = tokio::task::spawn_blocking(move || {
                    deck::Template::open(&path)
                        .map(|t| t.layouts.iter().map(|l| l.name.clone()).collect::<Vec<_>>())
                        .unwrap_or_default()
                })
                .await
                .unwrap_or_default();
                LAYOUTS
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(key, read.clone());
                read
            }
        };
        cards.push(types::templates::TemplateCard {
            choice,
            layouts,
            pictures,
        });
    }
    cards
}

fn role_label(role: deck::Role) -> &'static str {
    match role {
        deck::Role::Title => "Title slide",
        deck::Role::Section => "Section",
        deck::Role::Content => "Content",
        deck::Role::TwoColumn => "Two columns",
        deck::Role::Comparison => "Comparison",
        deck::Role::Picture => "Picture",
        deck::Role::TitleOnly => "Title only",
        deck::Role::Closing => "Closing",
    }
}

/// The intake report's findings for an opened template (no previews).
pub fn describe(t: &deck::Template, choice: String) -> types::templates::TemplateReport {
    use types::templates::{MasterRow, RoleRow, TemplateReport};
    let roles = t
        .role_choices()
        .into_iter()
        .map(|c| RoleRow {
            role: role_label(c.role).into(),
            layout: c.layout.map(|i| t.layouts[i].name.clone()),
            master: c.layout.map(|i| t.master_name(&t.layouts[i].master)),
            because: c.because.describe().into(),
            attention: matches!(
                c.because,
                deck::Because::StandIn | deck::Because::BestAvailable | deck::Because::Missing
            ),
        })
        .collect();
    let masters = t
        .masters
        .iter()
        .map(|m| MasterRow {
            name: t.master_name(m),
            layouts: t.layouts.iter().filter(|l| &l.master == m).count(),
            used_for: t
                .intent
                .masters
                .iter()
                .filter(|(_, ms)| ms.contains(m))
                .map(|(r, _)| role_label(*r).to_owned())
                .collect(),
        })
        .collect();
    // One line per layout: each reason with the boxes it applies to.
    let warnings = t
        .layouts
        .iter()
        .filter_map(|l| {
            let mut reasons: Vec<(String, Vec<&str>)> = Vec::new();
            for r in l.readability.iter().filter(|r| r.problem) {
                let why = match (&r.over_decoration, r.contrast) {
                    (Some(d), _) => format!("text runs over {}", deck::readability::describe_decoration(d)),
                    (None, Some(c)) => format!(
                        "text {} on {} has a contrast of {c:.1}:1",
                        r.text,
                        r.behind.as_deref().unwrap_or("?")
                    ),
                    (None, None) => "text is hard to read".into(),
                };
                match reasons.iter_mut().find(|(w, _)| *w == why) {
                    Some((_, boxes)) => boxes.push(&r.placeholder),
                    None => reasons.push((why, vec![&r.placeholder])),
                }
            }
            (!reasons.is_empty()).then(|| {
                let said: Vec<String> = reasons
                    .iter()
                    .map(|(why, boxes)| format!("{why} ({})", boxes.join(", ")))
                    .collect();
                format!(
                    "{} ({}): {}. Courseware avoids this layout while another fits.",
                    l.name,
                    t.master_name(&l.master),
                    said.join("; ")
                )
            })
        })
        .take(50)
        .collect();
    let advice = advice(t);
    let (cx, cy) = t.slide_size;
    let aspect = match (cx, cy) {
        _ if cy > 0 && (cx * 9 - cy * 16).abs() * 100 < cy * 16 => "16:9".to_string(),
        _ if cy > 0 && (cx * 3 - cy * 4).abs() * 100 < cy * 4 => "4:3".to_string(),
        _ if cy > 0 && (cx * 10 - cy * 16).abs() * 100 < cy * 16 => "16:10".to_string(),
        _ => format!("{:.1} × {:.1} cm", cx as f64 / 360_000.0, cy as f64 / 360_000.0),
    };
    TemplateReport {
        choice,
        aspect,
        layouts: t.layouts.len(),
        sample_slides: t.intent.sample_slides,
        masters,
        roles,
        warnings,
        advice,
        pages: Vec::new(),
        unavailable: None,
        pictures: Default::default(),
    }
}

/// What the readability findings mean for the user's courses, in a few
/// sentences for a person (the findings themselves, per layout and box,
/// stay one click away).
fn advice(t: &deck::Template) -> Vec<String> {
    let mut faint: Vec<(String, String)> = Vec::new();
    let (mut faint_layouts, mut covered_layouts) = (0, 0);
    for l in &t.layouts {
        let problems: Vec<_> = l.readability.iter().filter(|r| r.problem).collect();
        if problems.iter().any(|r| r.over_decoration.is_none()) {
            faint_layouts += 1;
        }
        if problems.iter().any(|r| r.over_decoration.is_some()) {
            covered_layouts += 1;
        }
        for r in problems.iter().filter(|r| r.over_decoration.is_none()) {
            let pair = (
                colour_name(&r.text),
                colour_name(r.behind.as_deref().unwrap_or("")),
            );
            if !faint.contains(&pair) {
                faint.push(pair);
            }
        }
    }
    let layouts = |n: usize| {
        if n == 1 {
            "1 layout".to_string()
        } else {
            format!("{n} layouts")
        }
    };
    let mut said = Vec::new();
    if faint_layouts > 0 {
        let examples: Vec<String> = faint
            .iter()
            .take(3)
            .map(|(text, behind)| format!("{text} on {behind}"))
            .collect();
        said.push(format!(
            "{} {} text in a colour too close to what lies behind it ({}): hard to read, above all on a projector. \
             Courseware puts your slides on other layouts while one fits; to use these too, give their text a \
             darker or lighter colour in PowerPoint's Slide Master view.",
            layouts(faint_layouts),
            if faint_layouts == 1 { "has" } else { "have" },
            examples.join(", ")
        ));
    }
    if covered_layouts > 0 {
        said.push(format!(
            "{} {} text over a picture or shape, so words and artwork overlap. Courseware avoids {} while \
             another layout fits; move the text box clear of the artwork in the Slide Master to use {}.",
            layouts(covered_layouts),
            if covered_layouts == 1 { "puts" } else { "put" },
            if covered_layouts == 1 { "it" } else { "them" },
            if covered_layouts == 1 { "it" } else { "them" },
        ));
    }
    said
}

/// A colour as people name it ("dark grey", "purple"), from its hex.
fn colour_name(hex: &str) -> String {
    let Some(deck::readability::Rgb(r, g, b)) = deck::readability::Rgb::hex(hex) else {
        return "a picture".into();
    };
    let (r, g, b) = (f64::from(r) / 255.0, f64::from(g) / 255.0, f64::from(b) / 255.0);
    let (max, min) = (r.max(g).max(b), r.min(g).min(b));
    let light = (max + min) / 2.0;
    let chroma = max - min;
    if chroma < 0.12 {
        return match light {
            l if l < 0.15 => "black",
            l if l < 0.35 => "dark grey",
            l if l < 0.75 => "grey",
            l if l < 0.93 => "light grey",
            _ => "white",
        }
        .into();
    }
    let hue = if max == r {
        60.0 * (((g - b) / chroma).rem_euclid(6.0))
    } else if max == g {
        60.0 * ((b - r) / chroma + 2.0)
    } else {
        60.0 * ((r - g) / chroma + 4.0)
    };
    let name = match hue {
        h if !(15.0..345.0).contains(&h) => "red",
        h if h < 45.0 => "orange",
        h if h < 70.0 => "yellow",
        h if h < 160.0 => "green",
        h if h < 200.0 => "teal",
        h if h < 255.0 => "blue",
        h if h < 320.0 => "purple",
        _ => "pink",
    };
    match light {
        l if l < 0.35 => format!("dark {name}"),
        l if l > 0.8 => format!("pale {name}"),
        _ => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn colours_are_named_as_people_name_them() {
        for (hex, name) in [
            ("666666", "grey"),
            ("780373", "dark purple"),
            ("FFFFFF", "white"),
            ("000000", "black"),
            ("1E3A8A", "dark blue"),
            ("F4C7C3", "pale red"),
            ("2E7D32", "dark green"),
            ("E91E63", "pink"),
            ("", "a picture"),
        ] {
            assert_eq!(super::colour_name(hex), name, "{hex}");
        }
    }
}
