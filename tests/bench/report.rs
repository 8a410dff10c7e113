//! Figures: medians with min and max, the printed table, `results.json` and the markdown copy.

use serde::Serialize;
use serde_json::{json, Value};

/// A measured figure: every run's value, summarised as median, min and max.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Stat {
    pub runs: Vec<f64>,
}

impl Stat {
    pub fn push(&mut self, v: f64) {
        self.runs.push(v);
    }
    pub fn median(&self) -> Option<f64> {
        if self.runs.is_empty() {
            return None;
        }
        let mut v = self.runs.clone();
        v.sort_by(|a, b| a.total_cmp(b));
        let n = v.len();
        Some(if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        })
    }
    pub fn min(&self) -> Option<f64> {
        self.runs.iter().copied().reduce(f64::min)
    }
    pub fn max(&self) -> Option<f64> {
        self.runs.iter().copied().reduce(f64::max)
    }
}

/// What the issue asks of a figure.
#[derive(Clone, Debug, Serialize)]
pub enum Target {
    AtMost(f64, &'static str),
    /// At most this, and no slower than Dexie.
    AtMostAndDexie(f64, &'static str),
    None,
}

#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub group: String,
    pub name: String,
    pub unit: &'static str,
    pub ours: Stat,
    pub dexie: Option<Stat>,
    pub raw: Option<Stat>,
    pub target: Target,
    pub note: String,
}

impl Row {
    pub fn new(group: &str, name: &str, unit: &'static str, ours: Stat) -> Row {
        Row {
            group: group.into(),
            name: name.into(),
            unit,
            ours,
            dexie: None,
            raw: None,
            target: Target::None,
            note: String::new(),
        }
    }
    pub fn target(mut self, t: Target) -> Row {
        self.target = t;
        self
    }
    pub fn peers(mut self, dexie: Option<Stat>, raw: Option<Stat>) -> Row {
        self.dexie = dexie;
        self.raw = raw;
        self
    }
    pub fn note(mut self, n: impl Into<String>) -> Row {
        self.note = n.into();
        self
    }

    fn ratio(&self, peer: &Option<Stat>) -> Option<f64> {
        let p = peer.as_ref()?.median()?;
        let o = self.ours.median()?;
        (p > 0.0).then(|| o / p)
    }

    /// "met" / "missed" against the target.
    pub fn verdict(&self) -> Option<(bool, String)> {
        let m = self.ours.median()?;
        match &self.target {
            Target::AtMost(t, text) => Some((m <= *t, text.to_string())),
            Target::AtMostAndDexie(t, text) => {
                let d = self.dexie.as_ref().and_then(Stat::median);
                Some((m <= *t && d.is_none_or(|d| m <= d), text.to_string()))
            }
            Target::None => None,
        }
    }

    fn cells(&self) -> Vec<String> {
        let f = |v: Option<f64>| v.map(|v| fmt(v, self.unit)).unwrap_or_else(|| "–".into());
        let r = |v: Option<f64>| v.map(|v| format!("{v:.2}×")).unwrap_or_else(|| "–".into());
        vec![
            self.group.clone(),
            self.name.clone(),
            f(self.ours.median()),
            format!("{}…{}", f(self.ours.min()), f(self.ours.max())),
            self.ours.runs.len().to_string(),
            f(self.dexie.as_ref().and_then(Stat::median)),
            r(self.ratio(&self.dexie)),
            f(self.raw.as_ref().and_then(Stat::median)),
            r(self.ratio(&self.raw)),
            match self.verdict() {
                Some((true, t)) => format!("{t}: met"),
                Some((false, t)) => format!("{t}: MISSED"),
                None => String::new(),
            },
            self.note.clone(),
        ]
    }

    pub fn json(&self) -> Value {
        let s = |s: &Stat| json!({"median": s.median(), "min": s.min(), "max": s.max(), "runs": s.runs});
        json!({
            "group": self.group, "name": self.name, "unit": self.unit,
            "ours": s(&self.ours),
            "dexie": self.dexie.as_ref().map(s),
            "raw": self.raw.as_ref().map(s),
            "ratio_dexie": self.ratio(&self.dexie),
            "ratio_raw": self.ratio(&self.raw),
            "target": self.verdict().map(|(met, t)| json!({"target": t, "met": met})),
            "note": self.note,
        })
    }
}

pub fn fmt(v: f64, unit: &str) -> String {
    match unit {
        "ms" if v >= 10_000.0 => format!("{:.1} s", v / 1000.0),
        "ms" if v >= 100.0 => format!("{v:.0} ms"),
        "ms" => format!("{v:.1} ms"),
        "bytes" if v >= 1e6 => format!("{:.1} MB", v / 1e6),
        "bytes" => format!("{:.1} KB", v / 1e3),
        "/s" => format!("{v:.0}/s"),
        _ => format!("{v:.0}"),
    }
}

const HEAD: [&str; 11] = [
    "group",
    "figure",
    "ours (median)",
    "min…max",
    "n",
    "Dexie",
    "ours/Dexie",
    "raw IDB",
    "ours/raw",
    "target",
    "note",
];

pub fn markdown(rows: &[Row]) -> String {
    let mut s = format!("| {} |\n|{}\n", HEAD.join(" | "), "---|".repeat(HEAD.len()));
    for r in rows {
        s += &format!("| {} |\n", r.cells().join(" | ").replace('\n', " "));
    }
    s
}

pub fn print_table(rows: &[Row]) {
    let cells: Vec<Vec<String>> = rows.iter().map(Row::cells).collect();
    let mut width: Vec<usize> = HEAD.iter().map(|h| h.chars().count()).collect();
    for c in &cells {
        for (i, v) in c.iter().enumerate() {
            width[i] = width[i].max(v.chars().count());
        }
    }
    let line = |c: Vec<String>| {
        c.iter()
            .enumerate()
            .map(|(i, v)| format!("{v}{}", " ".repeat(width[i] - v.chars().count())))
            .collect::<Vec<_>>()
            .join("  ")
    };
    println!("{}", line(HEAD.iter().map(|s| s.to_string()).collect()));
    for c in cells {
        println!("{}", line(c));
    }
}
