//! Compiles the food lexicon's TOML files (`config/foods/`) into one JSON document that the
//! binary embeds: JSON reads several times faster than TOML, and the lexicon is read at every
//! start (issue 13 asks for a lexicon load within 50 ms). The TOML files stay the source;
//! `--foods PATH` reads them directly, and a test checks both give the same lexicon.
//!
//! The files are read in the order of `config/foods/ORDER`, which also makes
//! `BUILTIN_LEXICON` (the TOML texts, for tests and for showing the source); a file that does
//! not parse stops the build with its name and the TOML error.

use std::path::Path;

fn main() {
    let dir = Path::new("config/foods");
    println!("cargo:rerun-if-changed=config/foods");
    let order =
        std::fs::read_to_string(dir.join("ORDER")).expect("config/foods/ORDER lists the files");
    let mut rules = None;
    let mut foods = Vec::new();
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
    let mut files = String::from("&[\n");
    for name in order
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        files.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            Path::new(&manifest).join(&path).display().to_string()
        ));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut file: toml::Table =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if let Some(table) = file.remove("rules") {
            if rules.replace(table).is_some() {
                panic!("{}: a second [rules] table", path.display());
            }
        }
        if let Some(toml::Value::Array(list)) = file.remove("food") {
            foods.extend(list);
        }
        if let Some(key) = file.keys().next() {
            panic!("{}: unknown top-level key {key:?}", path.display());
        }
    }
    let mut document = toml::Table::new();
    document.insert("rules".into(), rules.expect("one file holds [rules]"));
    document.insert("food".into(), toml::Value::Array(foods));
    let json = serde_json::to_string(&document).expect("the lexicon converts to JSON");
    let out_dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    let out = Path::new(&out_dir);
    std::fs::write(out.join("lexicon.json"), json).expect("writes the compiled lexicon");
    files.push_str("]\n");
    std::fs::write(out.join("builtin_files.rs"), files).expect("writes the list of files");
}
