//! The benchmark workload: a rule set of 200 criteria over 60 facts (ints,
//! bools, strings, string sets) and products of about 1.8 KB a line.
//! Deterministic: the same seed gives the same bytes.

#![allow(
    dead_code,
    reason = "shared by the benchmark and the example; each uses part"
)]

pub const FACTS_PER_KIND: usize = 15;
pub const CRITERIA: usize = 200;

/// A small deterministic generator (xorshift), so the workload needs no crate.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const WORDS: [&str; 8] = [
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
];

/// One of the first `n` words.
fn word(rng: &mut Rng, n: u64) -> &'static str {
    WORDS.get(rng.below(n) as usize).copied().unwrap_or("alpha")
}

/// The policy source: facts, one scheme with four cumulative levels.
pub fn policy() -> String {
    let mut out = String::new();
    for i in 0..FACTS_PER_KIND {
        out.push_str(&format!("fact iot.int_{i:02}: int\n"));
        out.push_str(&format!("fact iot.flag_{i:02}: bool\n"));
        out.push_str(&format!("fact iot.name_{i:02}: string\n"));
        out.push_str(&format!("fact iot.tags_{i:02}: set<string>\n"));
    }
    out.push_str(
        "scheme bench@1 {\n  title \"Benchmark\"\n  category device { title \"Device\" }\n",
    );
    let mut rng = Rng::new(7);
    for c in 0..CRITERIA {
        let f = c % FACTS_PER_KIND;
        let g = (c / FACTS_PER_KIND) % FACTS_PER_KIND;
        let threshold = rng.below(40);
        let word = self::word(&mut rng, 8);
        let condition = match c % 4 {
            0 => format!("iot.int_{f:02} >= {threshold} and iot.flag_{g:02}"),
            1 => format!(
                "iot.name_{f:02} in [\"{word}-1\", \"{word}-2\", \"alpha-1\"] or iot.int_{g:02} < 97"
            ),
            2 => format!("iot.tags_{f:02} contains \"{word}\" or iot.flag_{f:02}"),
            _ => format!(
                "iot.tags_{f:02} subset_of [\"alpha\", \"bravo\", \"charlie\", \"delta\", \"echo\", \"foxtrot\", \"golf\"] and iot.int_{g:02} <= 98"
            ),
        };
        out.push_str(&format!(
            "  criterion B-{c:03} {{ title \"criterion {c}\" condition {condition} }}\n"
        ));
    }
    for level in 1..=4 {
        let ids: Vec<String> = (0..CRITERIA)
            .filter(|c| c * 4 / CRITERIA == level - 1)
            .map(|c| format!("B-{c:03}"))
            .collect();
        let include = if level > 1 {
            format!(" include {}", level - 1)
        } else {
            String::new()
        };
        out.push_str(&format!(
            "  level {level} {{ title \"{level} stars\"{include} require {} }}\n",
            ids.join(", ")
        ));
    }
    out.push_str("}\n");
    out
}

/// One product line (no trailing newline).
pub fn product(i: usize, rng: &mut Rng) -> String {
    let mut facts = Vec::with_capacity(4 * FACTS_PER_KIND);
    for f in 0..FACTS_PER_KIND {
        facts.push(format!("\"iot.int_{f:02}\":{}", 20 + rng.below(80)));
        facts.push(format!("\"iot.flag_{f:02}\":{}", rng.below(100) != 0));
        facts.push(format!(
            "\"iot.name_{f:02}\":\"{}-{}-product-name\"",
            word(rng, 8),
            rng.below(3)
        ));
        let tags: Vec<String> = (0..3 + rng.below(3))
            .map(|_| format!("\"{}\"", word(rng, 7)))
            .collect();
        facts.push(format!("\"iot.tags_{f:02}\":[{}]", tags.join(",")));
    }
    format!(
        "{{\"id\":\"product-{i:08}\",\"category\":\"device\",\"holds\":[],\"facts\":{{{}}}}}",
        facts.join(",")
    )
}

/// `count` product lines, each followed by a newline.
pub fn products(count: usize) -> String {
    let mut rng = Rng::new(42);
    let mut out = String::new();
    for i in 0..count {
        out.push_str(&product(i, &mut rng));
        out.push('\n');
    }
    out
}
