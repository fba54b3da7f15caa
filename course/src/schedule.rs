//! The session plan of a course day: when it starts and ends, its breaks and
//! lunch, and how the teaching time between them is shared out — to modules
//! by weight, and within a module to its slides. Times are minutes after
//! midnight; everything is whole minutes so agendas and notes agree.

use std::fmt;

/// A pause in the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    /// Start, minutes after midnight.
    pub at: u16,
    pub minutes: u16,
    pub lunch: bool,
}

/// The shape of every course day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub start: u16,
    pub end: u16,
    /// Breaks and lunch, in time order, inside the day.
    pub pauses: Vec<Pause>,
}

impl Default for Schedule {
    /// 09:00–17:00 with breaks at 10:30 and 15:00 (15 minutes) and lunch at 12:30 (an hour).
    fn default() -> Self {
        Schedule {
            start: 9 * 60,
            end: 17 * 60,
            pauses: vec![
                Pause {
                    at: 10 * 60 + 30,
                    minutes: 15,
                    lunch: false,
                },
                Pause {
                    at: 12 * 60 + 30,
                    minutes: 60,
                    lunch: true,
                },
                Pause {
                    at: 15 * 60,
                    minutes: 15,
                    lunch: false,
                },
            ],
        }
    }
}

/// A time of day as `HH:MM`.
pub struct Clock(pub u16);

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

fn parse_clock(s: &str) -> Result<u16, String> {
    let (h, m) = s
        .trim()
        .split_once(':')
        .ok_or_else(|| format!("{s:?} is not a time of day (HH:MM)"))?;
    let h: u16 = h
        .parse()
        .map_err(|_| format!("{s:?} is not a time of day (HH:MM)"))?;
    let m: u16 = m
        .parse()
        .map_err(|_| format!("{s:?} is not a time of day (HH:MM)"))?;
    if h > 23 || m > 59 {
        return Err(format!("{s:?} is not a time of day (HH:MM)"));
    }
    Ok(h * 60 + m)
}

/// `HH:MM/minutes`, e.g. `12:30/60`.
fn parse_pause(s: &str, lunch: bool) -> Result<Pause, String> {
    let (at, minutes) = s
        .trim()
        .split_once('/')
        .ok_or_else(|| format!("{s:?} is not a pause (HH:MM/minutes)"))?;
    let minutes: u16 = minutes
        .trim()
        .parse()
        .ok()
        .filter(|m| (1..=180).contains(m))
        .ok_or_else(|| format!("{s:?}: a pause lasts 1 to 180 minutes"))?;
    Ok(Pause {
        at: parse_clock(at)?,
        minutes,
        lunch,
    })
}

impl Schedule {
    /// Reads `09:00`, `17:00`, `12:30/60` (empty or `none` for no lunch)
    /// and `10:30/15,15:00/15` (empty or `none`); every problem is named.
    pub fn parse(start: &str, end: &str, lunch: &str, breaks: &str) -> Result<Schedule, String> {
        let none = |s: &str| s.trim().is_empty() || s.trim().eq_ignore_ascii_case("none");
        let start = parse_clock(start)?;
        let end = parse_clock(end)?;
        let mut pauses = Vec::new();
        if !none(lunch) {
            pauses.push(parse_pause(lunch, true)?);
        }
        let breaks = if none(breaks) { "" } else { breaks };
        for b in breaks.split(',').filter(|b| !b.trim().is_empty()) {
            pauses.push(parse_pause(b, false)?);
        }
        pauses.sort_by_key(|p| p.at);
        let s = Schedule { start, end, pauses };
        s.check()?;
        Ok(s)
    }

    fn check(&self) -> Result<(), String> {
        if self.end <= self.start {
            return Err(format!(
                "the day ends ({}) before it starts ({})",
                Clock(self.end),
                Clock(self.start)
            ));
        }
        let mut at = self.start;
        for p in &self.pauses {
            if p.at < at || p.at + p.minutes > self.end {
                return Err(format!(
                    "the pause at {} does not fit between {} and {} without overlapping another",
                    Clock(p.at),
                    Clock(at),
                    Clock(self.end)
                ));
            }
            at = p.at + p.minutes;
        }
        if self.teaching_minutes() < 60 {
            return Err("a course day needs at least an hour of teaching time".into());
        }
        Ok(())
    }

    /// Minutes of the day that are not breaks or lunch.
    pub fn teaching_minutes(&self) -> u16 {
        (self.end - self.start).saturating_sub(self.pauses.iter().map(|p| p.minutes).sum())
    }

    /// Lays `items` (label, minutes) end to end from the day's start; an item
    /// that runs into a pause is cut there and goes on after it (the second
    /// part flagged `continued`). Pauses appear as their own slots.
    pub fn lay_out(&self, items: &[(String, u16)]) -> Vec<Slot> {
        let mut out = Vec::new();
        let mut clock = self.start;
        let mut pauses = self.pauses.iter().peekable();
        for (label, minutes) in items {
            let mut left = *minutes;
            let mut continued = false;
            if left == 0 {
                // A day too short for its items still lists each one.
                out.push(Slot {
                    start: clock,
                    end: clock,
                    label: label.clone(),
                    pause: None,
                    continued: false,
                });
            }
            while left > 0 {
                if let Some(p) = pauses.peek().copied().filter(|p| clock >= p.at) {
                    out.push(Slot {
                        start: p.at.max(clock),
                        end: p.at.max(clock) + p.minutes,
                        label: String::new(),
                        pause: Some(p.lunch),
                        continued: false,
                    });
                    clock = p.at.max(clock) + p.minutes;
                    pauses.next();
                    continue;
                }
                let until = pauses.peek().map_or(u16::MAX, |p| p.at);
                let run = left.min(until.saturating_sub(clock)).max(1);
                out.push(Slot {
                    start: clock,
                    end: clock + run,
                    label: label.clone(),
                    pause: None,
                    continued,
                });
                clock += run;
                left -= run.min(left);
                continued = true;
            }
        }
        for p in pauses {
            if p.at >= clock && p.at < self.end {
                out.push(Slot {
                    start: p.at,
                    end: p.at + p.minutes,
                    label: String::new(),
                    pause: Some(p.lunch),
                    continued: false,
                });
            }
        }
        out
    }
}

/// A stretch of a day's timetable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub start: u16,
    pub end: u16,
    pub label: String,
    /// `Some(true)` lunch, `Some(false)` a break, `None` teaching.
    pub pause: Option<bool>,
    /// The second (or later) part of an item cut by a pause.
    pub continued: bool,
}

/// Shares `total` minutes out by `weights` in multiples of `step` (the
/// largest remainders get the leftovers), each share at least `min` when
/// the total allows; the shares add up to `total` exactly.
pub fn share(total: u16, weights: &[u32], step: u16, min: u16) -> Vec<u16> {
    let n = weights.len();
    if n == 0 {
        return Vec::new();
    }
    let step = step.max(1);
    // The wanted minimum when the total allows it, else the most it allows.
    let min = [min, step, 1, 0]
        .into_iter()
        .find(|m| u32::from(*m) * n as u32 <= u32::from(total))
        .unwrap_or(0);
    let units = (total - min * n as u16) / step;
    let wsum: u32 = weights.iter().map(|w| (*w).max(1)).sum();
    let exact: Vec<f64> = weights
        .iter()
        .map(|w| f64::from(units) * f64::from((*w).max(1)) / f64::from(wsum))
        .collect();
    let mut out: Vec<u16> = exact.iter().map(|e| e.floor() as u16).collect();
    let mut left = units - out.iter().sum::<u16>();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    for &i in order.iter().cycle().take(n * 2) {
        if left == 0 {
            break;
        }
        out[i] += 1;
        left -= 1;
    }
    let mut out: Vec<u16> = out.into_iter().map(|u| u * step + min).collect();
    // Whatever `step` could not divide goes to the largest share.
    let rest = total - out.iter().sum::<u16>();
    if let Some(big) = (0..n).max_by_key(|&i| (out[i], std::cmp::Reverse(i))) {
        out[big] += rest;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_day_has_six_and_a_half_hours_of_teaching() {
        let s = Schedule::default();
        assert_eq!(s.teaching_minutes(), 480 - 90);
        assert_eq!(
            Schedule::parse("09:00", "17:00", "12:30/60", "10:30/15,15:00/15"),
            Ok(s)
        );
    }

    #[test]
    fn bad_schedules_are_named() {
        assert!(Schedule::parse("9", "17:00", "", "")
            .unwrap_err()
            .contains("HH:MM"));
        assert!(Schedule::parse("17:00", "09:00", "", "")
            .unwrap_err()
            .contains("before it starts"));
        assert!(Schedule::parse("09:00", "17:00", "16:30/60", "")
            .unwrap_err()
            .contains("does not fit"));
        assert!(Schedule::parse("09:00", "17:00", "12:00/60", "12:30/15")
            .unwrap_err()
            .contains("overlapping"));
        assert!(Schedule::parse("09:00", "09:30", "", "")
            .unwrap_err()
            .contains("at least an hour"));
        assert!(Schedule::parse("09:00", "17:00", "12:00/0", "")
            .unwrap_err()
            .contains("1 to 180"));
    }

    #[test]
    fn shares_add_up_and_follow_the_weights() {
        let s = share(390, &[1, 2, 3], 5, 15);
        assert_eq!(s.iter().sum::<u16>(), 390);
        assert!(s[0] < s[1] && s[1] < s[2], "{s:?}");
        assert!(s.iter().all(|m| m % 5 == 0 && *m >= 15), "{s:?}");
        let s = share(7, &[1, 1, 1], 1, 5);
        assert_eq!(s.iter().sum::<u16>(), 7);
        assert!(s.iter().all(|m| *m >= 1), "the most the total allows: {s:?}");
        let s = share(30, &[1; 12], 5, 15);
        assert_eq!(s.iter().sum::<u16>(), 30);
        assert!(share(10, &[], 5, 1).is_empty());
    }

    #[test]
    fn items_are_cut_by_pauses_and_pauses_listed() {
        let s = Schedule::default();
        let items = vec![("A".to_string(), 120), ("B".to_string(), 270)];
        let slots = s.lay_out(&items);
        let shown: Vec<String> = slots
            .iter()
            .map(|x| {
                format!(
                    "{}-{} {}{}",
                    Clock(x.start),
                    Clock(x.end),
                    x.label,
                    if x.continued { "+" } else { "" }
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                "09:00-10:30 A",
                "10:30-10:45 ",
                "10:45-11:15 A+",
                "11:15-12:30 B",
                "12:30-13:30 ",
                "13:30-15:00 B+",
                "15:00-15:15 ",
                "15:15-17:00 B+"
            ]
        );
        assert_eq!(slots.last().map(|x| x.end), Some(s.end));
    }
}
