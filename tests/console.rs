//! The `gutskin console` binary as a script drives it: one input a line on a pipe, each
//! reply printed before the next line is read; and killed with SIGKILL in the middle of a
//! stream of meals, losing none whose reply it printed.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use gutskin::store::Store;

fn console(db: &Path, user: &str, now: Option<&str>) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gutskin"));
    command
        .args(["console", "--db"])
        .arg(db)
        .args(["--user", user])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .env_remove("GUTSKIN_DB");
    if let Some(now) = now {
        command.args(["--now", now]);
    }
    command.spawn().expect("start gutskin console")
}

/// Kills the child if a test fails before it does.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_script_holds_a_conversation() {
    let dir = tempfile::tempdir().expect("temp dir");
    let files = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_gutskin"))
        .args(["console", "--db"])
        .arg(dir.path().join("db"))
        .args(["--user", "5", "--now", "2026-11-28T08:15:00+01:00"])
        .current_dir(files.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start");
    let script = "Berlin\nporridge with blueberries and kefir\n/skin\n4\n/edit porridge with kefir and a beer\n/today\n/export\n";
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("write the script");
    let output = child
        .wait_with_output()
        .expect("console ends at end of input");
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).expect("utf-8");
    for expected in [
        "Time zone set: Europe/Berlin (it is Sat 08:15 there)",
        "Logged: porridge, blueberries, kefir.",
        "[1] ↩️ Undo",
        "How is your skin today (Sat 28 Nov)?",
        "[1] 1  [2] 2  [3] 3  [4] 4  [5] 5",
        "(Saved: 4/5)",
        "bot (changes the message above):",
        "[4] ✅ 4",
        "Updated for Sat 28 Nov: porridge, kefir, beer.",
        "08:15 porridge with kefir and a beer → porridge, kefir, beer",
        "Skin today: 4/5",
        "[file saved: ./gutskin-diary.csv]",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(!text.contains("<b>"), "tags are dropped for the terminal");
    let csv = std::fs::read_to_string(files.path().join("gutskin-diary.csv")).expect("csv");
    assert!(csv.contains("porridge with kefir and a beer"));
}

#[test]
fn acknowledged_meals_survive_sigkill() {
    const KILLS: usize = 20;
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("db");
    let mut acknowledged: Vec<String> = Vec::new();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..KILLS {
        let mut child = Killed(console(&db, "7", None));
        // A stream of meals well past the point of the kill, so one is always in flight.
        let meals: Vec<String> = (0..120)
            .map(|n| format!("oats and kefir, round {round} meal {n}"))
            .collect();
        let mut stdin = child.0.stdin.take().expect("stdin");
        stdin
            .write_all((meals.join("\n") + "\n").as_bytes())
            .expect("write meals");
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let kill_after = 1 + (seed >> 33) as usize % 40;
        let stdout = child.0.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut replied = 0;
        while replied < kill_after {
            let line = lines
                .next()
                .expect("the console answers every meal")
                .expect("read a line");
            if line.trim_start().starts_with("Logged:") {
                acknowledged.push(meals[replied].clone());
                replied += 1;
            }
            assert!(Instant::now() < deadline, "the console stopped answering");
        }
        // SIGKILL mid-stream: the next meals are being handled or waiting in the pipe.
        child.0.kill().expect("kill -9");
        child.0.wait().expect("reap");
        drop(stdin);
    }
    assert!(acknowledged.len() >= KILLS);

    let store = Store::open(&db).expect("reopen after the kills");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let export = runtime
        .block_on(store.export_user(7))
        .expect("read the diary");
    let stored: std::collections::HashSet<&str> = export
        .entries
        .iter()
        .map(|m| m.entry.text.as_str())
        .collect();
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|meal| !stored.contains(meal.as_str()))
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged meals lost across {KILLS} kills: {lost:?}",
        lost.len(),
        acknowledged.len()
    );
}
