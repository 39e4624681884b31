//! Printing figures: an aligned table for people, JSON lines for scripts.

/// One measured figure.
#[derive(Debug, Clone)]
pub struct Row {
    pub scenario: &'static str,
    pub metric: String,
    pub value: f64,
    pub unit: &'static str,
    pub note: String,
}

pub fn print(rows: &[Row]) {
    println!("{:<10} {:<40} {:>12} {:<8} note", "scenario", "metric", "value", "unit");
    for r in rows {
        println!("{:<10} {:<40} {:>12.2} {:<8} {}", r.scenario, r.metric, r.value, r.unit, r.note);
    }
    for r in rows {
        let line =
            serde_json::json!({"scenario": r.scenario, "metric": r.metric, "value": r.value, "unit": r.unit, "note": r.note});
        println!("{line}");
    }
}

/// The median and 95th percentile of latencies in milliseconds.
pub fn percentiles(mut samples: Vec<f64>) -> (f64, f64) {
    if samples.is_empty() {
        return (0.0, 0.0);
    }
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples[i.min(samples.len() - 1)]
    };
    (at(0.5), at(0.95))
}
