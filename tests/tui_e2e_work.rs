//! Issue 19 in a real terminal (tmux): a draft survives a conflict and a
//! killed console (the tmux server is killed, as when an ssh session
//! drops), and a close is undone with `u`.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::tmux::Tmux;
use common::Env;

fn open_ticket(t: &Tmux, id: &str) {
    t.wait_for("Enter open", 10);
    t.keys(&[":"]).text(id);
    t.keys(&["Enter"]);
    t.wait_for("Timeline", 5);
}

#[test]
fn a_draft_survives_a_conflict_and_a_killed_console() {
    let env = Env::demo();
    let id = env.json(&["ticket", "list", "--tier", "1"])[0]["id"].as_i64().unwrap().to_string();
    let t = Tmux::console(&env, (100, 30));
    open_ticket(&t, &id);
    t.keys(&["r"]).text("Please restart the laptop and try again");
    t.wait_for("try again", 5);
    env.run(&["ticket", "resolve", &id, "--message", "Fixed remotely"]).success();
    t.keys(&["C-s"]);
    t.wait_for("send the reply anyway? y/n", 5);
    t.keys(&["n"]);
    t.wait_for("Please restart the laptop", 5);
    t.text(" once more");
    t.wait_for("once more", 5);
    // Saved within half a second of typing, without Esc or Ctrl-S.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    drop(t);

    let t = Tmux::console(&env, (100, 30));
    t.wait_for("Kept from last time: 1 unsent draft on tickets", 10);
    open_ticket(&t, &id);
    t.wait_for(&format!("Unsent draft on #{id}: reply (r)"), 5);
    t.keys(&["r"]);
    t.wait_for("try again once more", 5);
    t.keys(&["C-s"]);
    t.wait_for("send the reply anyway? y/n", 5);
    t.keys(&["y"]);
    t.wait_for(&format!("Reply sent on #{id}"), 5);
    let d = env.json(&["ticket", "show", &id]);
    let reply = d["events"].as_array().unwrap().iter().rev().find(|e| e["kind"] == "reply").unwrap().clone();
    assert_eq!(reply["body"], "Please restart the laptop and try again once more");
    drop(t);
    // Sent: nothing is offered any more.
    let t = Tmux::console(&env, (100, 30));
    t.wait_for("Enter open", 10);
    std::thread::sleep(std::time::Duration::from_millis(800));
    assert!(!t.screen().contains("Kept from last time"), "{}", t.screen());
}

#[test]
fn a_half_typed_phone_ticket_survives_a_killed_console() {
    let env = Env::demo();
    let t = Tmux::console(&env, (120, 40));
    t.wait_for("Enter open", 10);
    t.keys(&["n"]);
    t.wait_for("Requester", 5);
    t.text("hughes");
    t.wait_for("r.hughes@stbedes.sch.uk", 5);
    t.keys(&["Tab"]).text("Smartboard pen not working");
    t.wait_for("Smartboard pen", 5);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    drop(t);
    let t = Tmux::console(&env, (120, 40));
    t.wait_for("a phone ticket half logged", 10);
    t.keys(&["n"]);
    t.wait_for("Smartboard pen not working", 5);
    t.wait_for("is back", 5);
    t.keys(&["C-s"]);
    let screen = t.wait_for("Logged #", 5);
    let new_id =
        screen.split("Logged #").nth(1).and_then(|s| s.split_whitespace().next()).unwrap().to_string();
    assert_eq!(env.json(&["ticket", "show", &new_id])["subject"], "Smartboard pen not working");
}

#[test]
fn a_close_is_undone_with_u_within_seconds() {
    let env = Env::demo();
    let new = ["ticket", "new", "--subject", "Visualiser flickers", "--requester", "r.hughes@stbedes.sch.uk"];
    let id = env.json(&new)["id"].as_i64().unwrap().to_string();
    let t = Tmux::console(&env, (120, 30));
    open_ticket(&t, &id);
    t.keys(&["x"]);
    t.wait_for("close it without resolving it? y/n", 5);
    t.keys(&["y"]);
    t.wait_for(&format!("Closed #{id} — u to undo"), 5);
    assert_eq!(env.json(&["ticket", "show", &id])["status"], "closed");
    t.keys(&["u"]);
    t.wait_for(&format!("Undone: #{id} is new again"), 5);
    assert_eq!(env.json(&["ticket", "show", &id])["status"], "new");
}
