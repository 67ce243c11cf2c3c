//! `/export`: everything kept about a person as one CSV file.
//!
//! One row per meal and per skin rating, oldest first, in columns a spreadsheet opens as is.
//! Meal text is the person's own, so it is quoted by RFC 4180's rules, and a cell that a
//! spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) is prefixed with `'`.

use std::fmt::Write as _;

use chrono_tz::Tz;

use crate::store::Export;

/// The header row.
const HEADER: &str = "record,diary_day,local_time,text,foods,categories,fibre_g,skin_rating";

/// The CSV for `export`, times shown in `tz`.
pub(crate) fn csv(export: &Export, tz: Tz) -> String {
    let mut out = String::with_capacity(64 + 120 * export.entries.len());
    out.push_str(HEADER);
    out.push_str("\r\n");
    for meal in &export.entries {
        let entry = &meal.entry;
        let foods: Vec<&str> = entry.items.iter().map(|i| i.food.as_str()).collect();
        let categories: Vec<&str> = entry.categories().iter().map(|c| c.id()).collect();
        let row = [
            "meal".to_string(),
            entry.local_day.to_string(),
            entry
                .logged_at
                .with_timezone(&tz)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
            entry.text.clone(),
            foods.join("; "),
            categories.join("; "),
            format!("{:.1}", entry.fibre_g()),
            String::new(),
        ];
        push_row(&mut out, &row);
    }
    for rating in &export.ratings {
        let row = [
            "skin".to_string(),
            rating.day().to_string(),
            rating
                .rated_at()
                .with_timezone(&tz)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            rating.rating().to_string(),
        ];
        push_row(&mut out, &row);
    }
    out
}

fn push_row(out: &mut String, cells: &[String]) {
    for (index, cell) in cells.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        push_cell(out, cell);
    }
    out.push_str("\r\n");
}

fn push_cell(out: &mut String, cell: &str) {
    let formula = cell.starts_with(['=', '+', '-', '@']);
    let quote = formula || cell.contains([',', '"', '\n', '\r']);
    if !quote {
        out.push_str(cell);
        return;
    }
    out.push('"');
    if formula {
        out.push('\'');
    }
    let _ = write!(out, "{}", cell.replace('"', "\"\""));
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_commas_quotes_and_formulas() {
        let mut out = String::new();
        push_row(
            &mut out,
            &[
                "plain".into(),
                "a, b".into(),
                "say \"hi\"".into(),
                "=cmd()".into(),
                "-2 beers".into(),
            ],
        );
        assert_eq!(
            out,
            "plain,\"a, b\",\"say \"\"hi\"\"\",\"'=cmd()\",\"'-2 beers\"\r\n"
        );
    }
}
