//! The real binary in tmux: resolving asks for the time spent (issue 21),
//! and with `time.required` it cannot be skipped; checked through the CLI.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::tmux::Tmux;
use common::Env;

fn console(env: &Env) -> Tmux {
    Tmux::console(env, (100, 30))
}

fn active_ticket(env: &Env, skip: usize) -> i64 {
    env.json(&["ticket", "list"]).as_array().unwrap()[skip]["id"].as_i64().unwrap()
}

#[test]
fn resolving_in_the_console_logs_the_time_in_the_same_change() {
    let env = Env::demo();
    // The settings that rule the box: bad values are refused, nothing changed.
    let before = env.dump();
    for (key, bad) in [("time.required", "maybe"), ("time.ask_after", "-1"), ("time.ask_after", "2000")] {
        let (code, err) = env.fail(&["settings", "set", key, bad]);
        assert_eq!(code, 2, "{err}");
    }
    assert_eq!(env.dump(), before);
    env.run(&["settings", "set", "time.required", "true"]).success();

    let (first, second) = (active_ticket(&env, 0), active_ticket(&env, 1));
    let t = console(&env);
    t.wait_for("Queue", 10);
    t.keys(&["#"]).text(&first.to_string()).keys(&["Enter"]);
    t.wait_for(&format!("Ticket #{first}"), 5);
    t.keys(&["s"]).text("Replaced the toner");
    t.keys(&["C-s"]);
    t.wait_for(&format!("Time spent on #{first} (resolving)"), 5);
    // Required: Esc goes back to the resolve box, the message kept.
    t.keys(&["Escape"]);
    t.wait_for("time.required", 5);
    t.wait_for("Replaced the toner", 5);
    t.keys(&["C-s"]);
    t.wait_for("Time spent on", 5);
    t.text("25");
    t.keys(&["Enter"]);
    t.wait_for(&format!("#{first} resolved; 25m logged"), 5);

    // Not required: Esc resolves without time.
    env.run(&["settings", "set", "time.required", "false"]).success();
    // The console hears another technician's change at its next poll (every
    // half second); give it a few before the next resolve.
    std::thread::sleep(std::time::Duration::from_secs(2));
    t.keys(&["#"]).text(&second.to_string()).keys(&["Enter"]);
    t.wait_for(&format!("Ticket #{second}"), 5);
    t.keys(&["s"]).text("Sorted");
    t.keys(&["C-s"]);
    t.wait_for("Esc/0 skip", 5);
    t.keys(&["Escape"]);
    t.wait_for(&format!("#{second} resolved"), 5);
    t.keys(&["C-c"]);

    let time = env.json(&["ticket", "time", &first.to_string()]);
    assert_eq!((time["minutes"].as_i64(), time["billable_minutes"].as_i64()), (Some(25), Some(25)));
    let shown = env.json(&["ticket", "show", &first.to_string()]);
    assert_eq!(shown["ticket"]["status"].as_str().or(shown["status"].as_str()), Some("resolved"));
    // The entry belongs to the resolution: written with it, in one transaction.
    let c = rusqlite::Connection::open(&env.db).unwrap();
    let change: (String, String) = c
        .query_row(
            "SELECT ev.kind, ev.new_value FROM time_entries e JOIN events ev ON ev.id = e.event_id
              WHERE e.ticket_id = ?1",
            [first],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(change, ("status".to_string(), "resolved".to_string()));
    assert_eq!(env.json(&["ticket", "time", &second.to_string()])["entries"].as_array().unwrap().len(), 0);
}
