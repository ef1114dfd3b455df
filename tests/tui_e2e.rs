//! The real binary in a real terminal (tmux): a technician's morning,
//! checked afterwards through the CLI.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::tmux::Tmux;
use common::Env;

fn demo_env() -> Env {
    Env::demo()
}

#[test]
fn a_technicians_morning_in_the_console() {
    let env = demo_env();
    let t = Tmux::console(&env, (120, 40));
    t.wait_for("Queue", 10);
    t.wait_for("#", 10);

    // Filter the queue as you type, then open the match.
    let projector = env
        .json(&["ticket", "list"])
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["subject"].as_str().unwrap().to_lowercase().contains("projector"))
        .map(|x| (x["id"].as_i64().unwrap(), x["subject"].as_str().unwrap().to_string()))
        .expect("the demo queue has a projector ticket");
    t.keys(&["/"]).text("projector");
    t.wait_for("/projector", 5);
    t.keys(&["Enter", "Enter"]);
    t.wait_for(&format!("Ticket #{}", projector.0), 5);
    t.wait_for("Timeline", 5);

    // Escalate with a reason (Tab picks tier 3 when the ticket is below it).
    t.keys(&["e"]);
    t.wait_for("reason (required)", 5);
    t.text("Lamp needs replacing: needs the spare from the store");
    t.keys(&["C-s"]);
    t.wait_for("escalated to tier", 5);

    // An internal note; then a canned reply, picked by typing, previewed, sent.
    t.keys(&["i"]).text("Spare lamp is in cupboard B");
    t.keys(&["C-s"]);
    t.wait_for("Internal note added", 5);
    t.keys(&["c"]);
    t.wait_for("Reply the requester will get", 5);
    t.text("filter cleaned");
    t.wait_for("Projector filter cleaned", 5);
    t.wait_for("Kind regards", 5);
    // Picking opens the filled text to edit (issue 19); Ctrl-S sends it.
    t.keys(&["Enter"]);
    t.wait_for("edit, then Ctrl-S sends it", 5);
    t.keys(&["C-s"]);
    t.wait_for("Canned solution sent", 5);
    t.keys(&["Escape"]);
    t.wait_for("Enter open", 5);

    // Log a new ticket while on the phone; a suggestion answers it, and
    // picking it resolves the ticket at first contact.
    t.keys(&["n"]);
    t.wait_for("Requester", 5);
    t.text("hughes");
    t.wait_for("r.hughes@stbedes.sch.uk", 5);
    // One Tab takes the highlighted requester and moves on to the subject.
    t.keys(&["Tab"]).text("pritner jamed in staff room");
    t.keys(&["Tab"]).text("says paper jam in tray 2");
    t.wait_for("KB#1 Clearing a paper jam", 5);
    t.keys(&["C-r"]);
    // The time of the call is asked first (issue 21), logged with it.
    t.wait_for("Time spent on this call", 5);
    t.text("6").keys(&["Enter"]);
    let screen = t.wait_for("Logged #", 5);
    let new_id: i64 = screen
        .split("Logged #")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .expect("the status line names the new ticket");
    t.wait_for("Article #1 linked", 5);
    let time = env.json(&["ticket", "time", &new_id.to_string()]);
    assert_eq!(time["minutes"].as_i64(), Some(6), "{time}");
    // The entry belongs to the resolution, as a resolve's time does.
    let c = rusqlite::Connection::open(&env.db).unwrap();
    let (kind, new_value): (String, String) = c
        .query_row(
            "SELECT ev.kind, ev.new_value FROM time_entries e JOIN events ev ON ev.id = e.event_id
              WHERE e.ticket_id = ?1",
            [new_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((kind.as_str(), new_value.as_str()), ("status", "resolved"));
    t.keys(&["q", "q"]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !t.exited() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(t.exited(), "q on the queue quits");

    // The database agrees with what the console showed.
    let d = env.json(&["ticket", "show", &projector.0.to_string()]);
    let esc = d["events"].as_array().unwrap().iter().rev().find(|e| e["kind"] == "escalated").unwrap();
    assert_eq!(esc["body"], "Lamp needs replacing: needs the spare from the store");
    assert_eq!(esc["internal"], true);
    assert_eq!(esc["tech"], "lead");
    let events = d["events"].as_array().unwrap();
    let note = events.iter().rev().find(|e| e["kind"] == "note").unwrap();
    assert_eq!(
        (note["body"].as_str(), note["internal"].as_bool()),
        (Some("Spare lamp is in cupboard B"), Some(true))
    );
    let canned =
        events.iter().rev().find(|e| e["kind"] == "canned").expect("the canned solution is on the timeline");
    assert_eq!(canned["body"], "Projector filter cleaned");
    let reply = events.iter().rev().find(|e| e["kind"] == "reply").unwrap();
    assert!(reply["body"].as_str().unwrap().contains("Kind regards"), "the rendered reply was sent: {reply}");
    let n = env.json(&["ticket", "show", &new_id.to_string()]);
    assert_eq!(n["requester"], "r.hughes@stbedes.sch.uk");
    assert_eq!(n["subject"], "pritner jamed in staff room");
    assert_eq!(n["status"], "resolved");
    let linked =
        n["events"].as_array().unwrap().iter().any(|e| e["kind"] == "article" && e["new_value"] == "1");
    assert!(linked, "resolved with the suggested article: {n}");
    assert_eq!(n["assignee"], "lead", "first-contact work is the technician's: {n}");
    assert!(n["category"].is_string(), "categorised from the article: {n}");
}

#[test]
fn another_technicians_change_appears_within_a_second() {
    let env = demo_env();
    let t = Tmux::console(&env, (100, 30));
    t.wait_for("Enter open", 10);
    env.json(&[
        "ticket",
        "new",
        "--subject",
        "Visualiser shows a black screen",
        "--requester",
        "r.hughes@stbedes.sch.uk",
    ]);
    t.wait_for("Visualiser shows a black screen", 3);
}

/// Runs the console under `sh` so what the shell prints afterwards shows.
fn console_in_shell(env: &Env, login: &str) -> Tmux {
    let vars = env.vars();
    let mut vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    vars.retain(|(k, _)| *k != "DESKSIDE_USER");
    vars.push(("DESKSIDE_USER", login));
    let bin = assert_cmd::cargo::cargo_bin("deskside");
    let cmd = format!(
        "{} ; echo EXIT=$?; stty -a | grep -o -- '-icanon\\|icanon' | head -1; sleep 30",
        bin.display()
    );
    Tmux::start(&["sh", "-c", &cmd], &vars, (160, 30))
}

#[test]
fn an_unknown_login_is_refused_before_the_screen_is_taken() {
    let env = demo_env();
    let t = console_in_shell(&env, "stranger");
    let screen = t.wait_for("EXIT=", 10);
    assert!(screen.contains("deskside tech add stranger"), "{screen}");
    assert!(screen.contains("EXIT=5"), "{screen}");
}

#[test]
fn quitting_restores_the_terminal() {
    let env = demo_env();
    let t = console_in_shell(&env, "lead");
    t.wait_for("Enter open", 10);
    t.keys(&["q"]);
    let screen = t.wait_for("EXIT=0", 5);
    std::thread::sleep(std::time::Duration::from_millis(200));
    let screen = if screen.contains("icanon") { screen } else { t.screen() };
    assert!(!screen.contains("Enter open"), "the alternate screen is gone:\n{screen}");
    assert!(screen.lines().any(|l| l.trim() == "icanon"), "the tty is back in canonical mode:\n{screen}");
}

#[test]
fn two_technicians_on_one_ticket_see_each_other() {
    let env = demo_env();
    let id = env.json(&["ticket", "list", "--tier", "1"])[0]["id"].as_i64().unwrap();
    let lead = Tmux::console(&env, (120, 30));
    let vars = env.vars();
    let mut other: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    other.retain(|(k, _)| *k != "DESKSIDE_USER");
    other.push(("DESKSIDE_USER", "jpatel"));
    let bin = assert_cmd::cargo::cargo_bin("deskside");
    let jaya = Tmux::start(&[bin.to_str().unwrap()], &other, (120, 30));
    for t in [&lead, &jaya] {
        t.wait_for("Enter open", 10);
        t.keys(&["/"]).text(&id.to_string());
        t.keys(&["Enter", "Enter"]);
        t.wait_for(&format!("Ticket #{id}"), 5);
    }
    jaya.wait_for("also open: Lee Lead (lead)", 8);
    lead.wait_for("also open: Jaya Patel (jpatel)", 8);
    // When one leaves, the other stops seeing them.
    jaya.keys(&["Escape"]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(8);
    while lead.screen().contains("also open") {
        assert!(std::time::Instant::now() < deadline, "presence did not clear:\n{}", lead.screen());
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn an_article_is_edited_in_the_editor_with_the_terminal_handed_over() {
    let env = demo_env();
    // A stand-in editor: appends a line to the file it is given.
    let editor = env.dir.path().join("editor.sh");
    std::fs::write(&editor, "#!/bin/sh\nprintf '\\nChecked in the e2e test.\\n' >> \"$1\"\n").unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let vars = env.vars();
    let mut vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let editor_path = editor.display().to_string();
    vars.push(("EDITOR", &editor_path));
    let bin = assert_cmd::cargo::cargo_bin("deskside");
    let t = Tmux::start(&[bin.to_str().unwrap()], &vars, (120, 40));
    t.wait_for("Enter open", 10);
    t.keys(&["K", "/"]).text("paper jam");
    t.wait_for("Clearing a paper jam", 5);
    t.keys(&["Enter", "Enter"]);
    t.wait_for("Article #1", 5);
    t.keys(&["E"]);
    t.wait_for("Article #1 saved", 5);
    // The console is back and drawn, with the edit in the article.
    t.wait_for("Checked in the e2e test.", 5);
    let a = env.json(&["kb", "show", "1"]);
    assert!(a["body"].as_str().unwrap().contains("Checked in the e2e test."), "{a}");
}

fn jaya(env: &Env, size: (u16, u16)) -> Tmux {
    let vars = env.vars();
    let mut other: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    other.retain(|(k, _)| *k != "DESKSIDE_USER");
    other.push(("DESKSIDE_USER", "jpatel"));
    let bin = assert_cmd::cargo::cargo_bin("deskside");
    Tmux::start(&[bin.to_str().unwrap()], &other, size)
}

/// Issue 19: a requester added by the CLI is found in an open form within
/// two seconds, and one Tab after part of their name moves to the subject.
#[test]
fn a_new_requester_appears_in_an_open_form_and_tab_moves_on() {
    let env = demo_env();
    let t = Tmux::console(&env, (120, 40));
    t.wait_for("Enter open", 10);
    t.keys(&["n"]);
    t.wait_for("Requester", 5);
    env.run(&["requester", "add", "z.newcombe@stbedes.sch.uk", "--name", "Zara Newcombe"]).success();
    t.text("newcom");
    t.wait_for("z.newcombe@stbedes.sch.uk", 2);
    t.keys(&["Tab"]).text("Cannot find the shared drive");
    t.wait_for("Cannot find the shared drive", 5);
    t.keys(&["C-s"]);
    let screen = t.wait_for("Logged #", 5);
    let id = screen.split("Logged #").nth(1).and_then(|s| s.split_whitespace().next()).unwrap().to_string();
    let d = env.json(&["ticket", "show", &id]);
    assert_eq!(d["requester"], "z.newcombe@stbedes.sch.uk");
    assert_eq!(d["subject"], "Cannot find the shared drive");
}

/// Issue 19: taking a colleague's ticket and closing ask first; the
/// colleague's console stops saying "You have #N".
#[test]
fn take_and_close_ask_first_and_the_other_console_hears() {
    let env = demo_env();
    let new = ["ticket", "new", "--subject", "Visualiser flickers", "--requester", "r.hughes@stbedes.sch.uk"];
    let id = env.json(&new)["id"].as_i64().unwrap();
    let (lead, jaya) = (Tmux::console(&env, (120, 30)), jaya(&env, (120, 30)));
    for t in [&jaya, &lead] {
        t.wait_for("Enter open", 10);
        t.keys(&["#"]).text(&id.to_string());
        t.keys(&["Enter"]);
        t.wait_for("Timeline", 5);
    }
    jaya.keys(&["t"]);
    jaya.wait_for(&format!("You have #{id}"), 5);
    lead.wait_for("assigned to jpatel", 5);
    lead.keys(&["t"]);
    lead.wait_for(&format!("#{id} is jpatel's — take it? y/n"), 5);
    lead.keys(&["y"]);
    lead.wait_for(&format!("You have #{id}"), 5);
    jaya.wait_for(&format!("#{id} is now lead's"), 3);
    assert!(!jaya.screen().contains("You have #"), "{}", jaya.screen());
    lead.keys(&["x"]);
    lead.wait_for("close it without resolving it? y/n", 5);
    lead.keys(&["n"]);
    assert_ne!(env.json(&["ticket", "show", &id.to_string()])["status"], "closed");
}

/// Issue 19: a reply on a ticket resolved meanwhile asks; the text
/// survives the conflict and Esc, and comes back with `r`.
#[test]
fn a_reply_survives_a_conflict_and_esc() {
    let env = demo_env();
    let id = env.json(&["ticket", "list", "--tier", "1"])[0]["id"].as_i64().unwrap().to_string();
    let t = Tmux::console(&env, (100, 30));
    t.wait_for("Enter open", 10);
    t.keys(&[":"]).text(&id);
    t.keys(&["Enter"]);
    t.wait_for("Timeline", 5);
    t.keys(&["r"]).text("Please restart the laptop and try again");
    t.wait_for("try again", 5);
    env.run(&["ticket", "resolve", &id, "--message", "Fixed remotely"]).success();
    t.keys(&["C-s"]);
    t.wait_for("send the reply anyway? y/n", 5);
    t.keys(&["n"]);
    t.wait_for("Please restart the laptop", 5);
    t.keys(&["Escape"]);
    t.wait_for("Draft kept", 5);
    t.keys(&["r"]);
    t.wait_for("Please restart the laptop", 5);
    t.keys(&["C-s"]);
    t.wait_for("send the reply anyway? y/n", 5);
    t.keys(&["y"]);
    t.wait_for(&format!("Reply sent on #{id}"), 5);
    let d = env.json(&["ticket", "show", &id]);
    let reply = d["events"].as_array().unwrap().iter().rev().find(|e| e["kind"] == "reply").unwrap().clone();
    assert_eq!(reply["body"], "Please restart the laptop and try again");
}

/// Issue 19: from a ticket, search the knowledge base, send an article as
/// the reply (edited first), and find it sent and linked.
#[test]
fn an_article_is_sent_as_the_reply_from_a_ticket() {
    let env = demo_env();
    let id = env
        .json(&["ticket", "list"])
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["status"] == "open")
        .map(|t| t["id"].as_i64().unwrap())
        .expect("the demo has an open ticket");
    let t = Tmux::console(&env, (120, 40));
    t.wait_for("Enter open", 10);
    t.keys(&["#"]).text(&id.to_string());
    t.keys(&["Enter"]);
    t.wait_for(&format!("Ticket #{id}"), 5);
    t.wait_for("Timeline", 5);
    t.keys(&["/"]).text("paper jam");
    t.wait_for("Clearing a paper jam", 5);
    t.keys(&["Enter"]);
    t.wait_for("r reply with it", 5);
    t.keys(&["r"]);
    t.wait_for("KB#1, linked on send", 5);
    t.text("Hi there, this should sort it: ");
    t.keys(&["C-s"]);
    t.wait_for(&format!("Article #1 sent as the reply on #{id}"), 5);
    t.wait_for(&format!("Ticket #{id}"), 5);

    let d = env.json(&["ticket", "show", &id.to_string()]);
    let events = d["events"].as_array().unwrap();
    let reply = events.iter().rev().find(|e| e["kind"] == "reply").expect("a reply was sent");
    let body = reply["body"].as_str().unwrap();
    assert!(body.starts_with("Hi there, this should sort it: Clearing a paper jam"), "{body}");
    assert!(body.contains("Kyocera"), "the article's text: {body}");
    assert_eq!(reply["internal"], false);
    assert!(events.iter().any(|e| e["kind"] == "article" && e["new_value"] == "1"), "linked: {d}");
    assert_eq!(d["status"], "open", "a reply leaves it open");
}
