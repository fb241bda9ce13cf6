//! The results table of docs/DETECTIONS.md, printed by
//! `cargo test -p analysis --test detection_results -- --ignored --nocapture`.

mod support;

use support::*;

fn summary(alerts: &[analysis::detect::AlertView]) -> String {
    if alerts.is_empty() {
        return "none".into();
    }
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for a in alerts {
        *counts
            .entry(format!(
                "{} ({})",
                a.alert_type.as_str(),
                a.severity.as_str()
            ))
            .or_default() += 1;
    }
    counts
        .iter()
        .map(|(t, n)| format!("{t} ×{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
#[ignore = "prints the table of docs/DETECTIONS.md"]
fn print_results_table() {
    println!("| capture | always on, whole capture | learn first half, detect second half |");
    println!("|---|---|---|");
    for name in CAPTURES {
        let whole = always_on(name);
        let half = learn_half(name);
        println!("| {name} | {} | {} |", summary(&whole), summary(&half));
    }
    println!();
    for name in CAPTURES {
        println!("### {name}");
        // Edges of the first half, as the inventory saw them: a new edge
        // whose reverse was learned is the same conversation seen from the
        // other side by an analyzer that joined it mid-way.
        let (first, _) = halves(name);
        let mut inventory = analysis::Inventory::default();
        first.iter().for_each(|b| inventory.observe(b));
        let learned: Vec<(String, String)> = inventory
            .report()
            .edges
            .iter()
            .map(|e| (e.client.clone(), e.server.clone()))
            .collect();
        for (label, alerts) in [("whole", always_on(name)), ("halves", learn_half(name))] {
            for a in alerts {
                let reversed = a
                    .edge
                    .as_ref()
                    .is_some_and(|e| learned.contains(&(e.server.clone(), e.client.clone())));
                println!(
                    "- {label}: [{}] {} — {} (seen {}×){}",
                    a.severity.as_str(),
                    a.alert_type.as_str(),
                    a.title.en,
                    a.count,
                    if reversed {
                        " — the reverse edge was learned"
                    } else {
                        ""
                    }
                );
            }
        }
    }
}
