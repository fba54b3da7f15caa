//! A course outline: course → modules → topics → points. Parsed from the
//! user's upload on the server, edited as a tree in the browser, stored with
//! the job as JSON.

use serde::{Deserialize, Serialize};

use crate::limits::{
    MAX_MODULES, MAX_OUTLINE_TEXT_CHARS, MAX_POINTS, MAX_POINTS_PER_TOPIC, MAX_POINT_LEVEL, MAX_TOPICS,
};

/// A course outline: course → modules → topics → points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Outline {
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 100))]
    pub modules: Vec<Module>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Module {
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(max_items = 1000))]
    pub topics: Vec<Topic>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Topic {
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub points: Vec<Point>,
}

/// A point with its depth under the topic (0 = top-level bullet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Point {
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub text: String,
    #[cfg_attr(feature = "openapi", schema(maximum = 4))]
    pub level: u8,
}

/// An outline read from a file, with what is worth fixing before a
/// course is made from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutlineReport {
    pub outline: Outline,
    /// Empty modules, topics with nothing under them, limits passed: each
    /// a sentence for a person. A course can still be started unless a
    /// limit is passed.
    pub problems: Vec<String>,
}

/// Teaching minutes in a usual course day (09:00–17:00 less lunch and two
/// breaks), the day the material estimate is measured in.
pub const TEACHING_DAY_MINUTES: u32 = 390;

impl Outline {
    /// Minutes of teaching the outline's material fills at a usual pace: a
    /// module's frame (objectives, activity, recap, quiz) 30 minutes, a topic
    /// 10, each of its points (up to ten) 4 more.
    pub fn material_minutes(&self) -> u32 {
        self.modules
            .iter()
            .map(|m| {
                30 + m
                    .topics
                    .iter()
                    .map(|t| 10 + 4 * t.points.len().min(10) as u32)
                    .sum::<u32>()
            })
            .sum()
    }

    /// When `days` is more than two and a half times what the material fills, a sentence
    /// saying so, what each topic would have to fill, and what to do.
    pub fn thin_for(&self, days: u8) -> Option<String> {
        let topics = self.modules.iter().map(|m| m.topics.len()).sum::<usize>().max(1) as u32;
        let material = self.material_minutes();
        let asked = u32::from(days) * TEACHING_DAY_MINUTES;
        if material == 0 || 2 * asked <= 5 * material {
            return None;
        }
        // To the half day, at least half a day.
        let halves = ((material * 2 + TEACHING_DAY_MINUTES / 2) / TEACHING_DAY_MINUTES).max(1);
        let holds = match halves {
            1 => "half a day".to_string(),
            2 => "1 day".to_string(),
            h if h % 2 == 0 => format!("{} days", h / 2),
            h => format!("{}½ days", h / 2),
        };
        let per_topic = asked / topics;
        let per_topic = if per_topic >= 90 {
            format!("{} h {:02} min", per_topic / 60, per_topic % 60)
        } else {
            format!("{per_topic} minutes")
        };
        Some(format!(
            "This outline holds about {holds} of material. Over {days} days each of its {topics} topics would fill \
             about {per_topic}, so slides and activities repeat. Add modules, topics or points, or choose fewer days."
        ))
    }

    /// What is worth fixing in this outline, in reading order.
    pub fn problems(&self) -> Vec<String> {
        let mut found = Vec::new();
        if let Err(limit) = self.check_limits() {
            found.push(limit);
        }
        if self.modules.is_empty() {
            found.push(
                "No modules were found: mark modules and topics as headings (Markdown # and ##, Word's Heading 1 and 2)."
                    .into(),
            );
        }
        let short = |t: &str| t.chars().take(60).collect::<String>();
        for module in &self.modules {
            if module.topics.is_empty() {
                found.push(format!(
                    "The module \"{}\" has no topics: it becomes a section with no content slides.",
                    short(&module.title)
                ));
            }
            for topic in module.topics.iter().filter(|t| t.points.is_empty()) {
                found.push(format!(
                    "The topic \"{}\" in \"{}\" has no points: its slides are written from its title alone.",
                    short(&topic.title),
                    short(&module.title)
                ));
            }
        }
        found
    }

    /// Every topic title, in order (for coverage checks and search).
    pub fn topic_titles(&self) -> impl Iterator<Item = &str> {
        self.modules
            .iter()
            .flat_map(|m| m.topics.iter().map(|t| t.title.as_str()))
    }

    /// How much material a module has, for spreading modules over days.
    pub fn weight(module: &Module) -> usize {
        1 + module.topics.iter().map(|t| 1 + t.points.len()).sum::<usize>()
    }

    /// Checks the outline against the size limits in [`crate::limits`]; the
    /// message says which limit and by how much, for the user to fix.
    pub fn check_limits(&self) -> Result<(), String> {
        if self.modules.len() > MAX_MODULES {
            return Err(format!(
                "The outline has {} modules; at most {MAX_MODULES} are supported.",
                self.modules.len()
            ));
        }
        let topics: usize = self.modules.iter().map(|m| m.topics.len()).sum();
        if topics > MAX_TOPICS {
            return Err(format!(
                "The outline has {topics} topics; at most {MAX_TOPICS} are supported."
            ));
        }
        let mut points = 0;
        let long = |s: &str| s.chars().count() > MAX_OUTLINE_TEXT_CHARS;
        if long(&self.title) {
            return Err(format!(
                "The course title is longer than {MAX_OUTLINE_TEXT_CHARS} characters."
            ));
        }
        for m in &self.modules {
            if long(&m.title) {
                return Err(format!(
                    "A module title is longer than {MAX_OUTLINE_TEXT_CHARS} characters."
                ));
            }
            for t in &m.topics {
                if long(&t.title) {
                    return Err(format!(
                        "A topic title is longer than {MAX_OUTLINE_TEXT_CHARS} characters."
                    ));
                }
                if t.points.len() > MAX_POINTS_PER_TOPIC {
                    return Err(format!(
                        "The topic \"{}\" has {} points; at most {MAX_POINTS_PER_TOPIC} are supported.",
                        t.title.chars().take(60).collect::<String>(),
                        t.points.len()
                    ));
                }
                points += t.points.len();
                if let Some(p) = t
                    .points
                    .iter()
                    .find(|p| long(&p.text) || p.level > MAX_POINT_LEVEL)
                {
                    return Err(if p.level > MAX_POINT_LEVEL {
                        format!("A point is nested deeper than {} levels.", MAX_POINT_LEVEL + 1)
                    } else {
                        format!("A point is longer than {MAX_OUTLINE_TEXT_CHARS} characters.")
                    });
                }
            }
        }
        if points > MAX_POINTS {
            return Err(format!(
                "The outline has {points} points; at most {MAX_POINTS} are supported."
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_short_outline_is_thin_for_a_long_course_and_says_what_it_holds() {
        use super::{Module, Outline, Point, Topic};
        // Three modules of three topics with four points each: ~1 day.
        let topic = Topic {
            title: "T".into(),
            points: vec![
                Point {
                    text: "p".into(),
                    level: 0
                };
                4
            ],
        };
        let module = Module {
            title: "M".into(),
            topics: vec![topic; 3],
        };
        let o = Outline {
            title: "O".into(),
            modules: vec![module; 3],
        };
        assert_eq!(o.material_minutes(), 3 * (30 + 3 * 26));
        assert_eq!(o.thin_for(1), None);
        assert_eq!(o.thin_for(2), None, "twice the material is still a course");
        assert!(o.thin_for(3).is_some(), "three and a half times is not");
        let ten = o.thin_for(10).expect("ten days of one");
        assert!(ten.starts_with("This outline holds about 1 day of material. Over 10 days each of its 9 topics would fill about 7 h 13 min"), "{ten}");
        let empty = Outline::default();
        assert_eq!(
            empty.thin_for(10),
            None,
            "no material: the outline's own problems say so"
        );
    }

    use super::*;

    fn outline(modules: usize, topics: usize, points: usize) -> Outline {
        Outline {
            title: "T".into(),
            modules: (0..modules)
                .map(|m| Module {
                    title: format!("M{m}"),
                    topics: (0..topics)
                        .map(|t| Topic {
                            title: format!("T{t}"),
                            points: (0..points)
                                .map(|p| Point {
                                    text: format!("p{p}"),
                                    level: 0,
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn problems_name_empty_modules_and_bare_topics() {
        assert!(outline(2, 2, 1).problems().is_empty());
        assert_eq!(outline(0, 0, 0).problems().len(), 1);
        let mut o = outline(2, 1, 1);
        o.modules[0].topics.clear();
        o.modules[1].topics[0].points.clear();
        let problems = o.problems();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("\"M0\" has no topics"));
        assert!(problems[1].contains("\"T0\" in \"M1\" has no points"));
        assert!(outline(101, 1, 1).problems()[0].contains("101 modules"));
    }

    #[test]
    fn limits_name_what_is_too_large() {
        assert_eq!(outline(100, 10, 10).check_limits(), Ok(()));
        assert!(outline(101, 1, 0)
            .check_limits()
            .unwrap_err()
            .contains("101 modules"));
        assert!(outline(50, 21, 0)
            .check_limits()
            .unwrap_err()
            .contains("1050 topics"));
        assert!(outline(1, 1, 51)
            .check_limits()
            .unwrap_err()
            .contains("51 points"));
        let mut deep = outline(1, 1, 1);
        deep.modules[0].topics[0].points[0].level = 9;
        assert!(deep.check_limits().unwrap_err().contains("nested deeper"));
        let mut long = outline(1, 1, 0);
        long.modules[0].title = "x".repeat(501);
        assert!(long.check_limits().unwrap_err().contains("module title"));
    }
}
