//! A course outline: course → modules → topics → points. Parsed from the
//! user's upload on the server, edited as a tree in the browser, stored with
//! the job as JSON.

use serde::{Deserialize, Serialize};

/// A course outline: course → modules → topics → points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Outline {
    pub title: String,
    pub modules: Vec<Module>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Module {
    pub title: String,
    pub topics: Vec<Topic>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Topic {
    pub title: String,
    pub points: Vec<Point>,
}

/// A point with its depth under the topic (0 = top-level bullet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Point {
    pub text: String,
    pub level: u8,
}

impl Outline {
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
}
