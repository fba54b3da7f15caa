//! A finished course is edited and built again: a slide's words change in
//! the content, a rebuild makes version 2 whose deck differs only on that
//! slide, versions are listed and compared, an older one is made current,
//! another template is applied — and two editors never overwrite each
//! other silently.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common::{self, Client};

/// What each slide of a deck says: its `<a:t>` runs joined, slide by slide.
fn slide_texts(bytes: &[u8]) -> Vec<String> {
    let pkg = deck::opc::Package::from_bytes(bytes, deck::opc::Limits::default()).expect("package");
    let (_, slides) = deck::opc::slides_of(&pkg).expect("slides");
    slides
        .iter()
        .map(|s| {
            let xml = String::from_utf8_lossy(pkg.get(s).expect("slide")).to_string();
            xml.split("<a:t>")
                .skip(1)
                .filter_map(|t| t.split("</a:t>").next())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

impl Client {
    async fn content(&self, id: &str) -> Value {
        self.json("/api/courses/content", &[("id", id)]).await
    }

    /// Saves one change made on `revision`; the response.
    async fn save(&self, id: &str, revision: i64, change: Value) -> reqwest::Response {
        let save = json!({ "revision": revision, "change": change });
        self.http
            .post(format!("{}/api/courses/save", self.base))
            .json(&json!({ "id": id, "save": save }))
            .send()
            .await
            .expect("request")
    }

    /// Saves one change on the current revision, asserting it is taken; the content after it.
    async fn change(&self, id: &str, change: Value) -> Value {
        let revision = self.content(id).await["revision"].as_i64().expect("revision");
        let res = self.save(id, revision, change).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
        res.json().await.expect("content")
    }

    /// Queues the next version (`template`: on another template) and waits
    /// for it; its id.
    async fn rebuilt(&self, id: &str, template: &str) -> String {
        let new: String = self
            .json("/api/courses/rebuild", &[("id", id), ("template", template)])
            .await;
        self.completes(&new, Duration::from_secs(60)).await;
        new
    }

    async fn deck(&self, id: &str) -> Vec<String> {
        let res = self.download(id).await;
        assert_eq!(res.status(), 200);
        slide_texts(&res.bytes().await.expect("deck"))
    }
}

/// A team on a fresh server: the administrator, an owner whose course of
/// `title` is built (`course`: its first version), and colleagues signed in
/// with the given emails.
struct Team {
    app: common::TestApp,
    _dir: tempfile::TempDir,
    admin: Client,
    owner: Client,
    others: Vec<Client>,
    course: String,
}

async fn team(title: &str, colleagues: &[&str]) -> Team {
    let (app, dir, admin) = common::admin().await;
    let owner = common::signed_in_member(&admin, "owner@example.com").await;
    let mut others = Vec::new();
    for email in colleagues {
        others.push(common::signed_in_member(&admin, email).await);
    }
    let course = owner.finished_job(title, "Forest.pptx").await;
    Team {
        app,
        _dir: dir,
        admin,
        owner,
        others,
        course,
    }
}

/// Where content slide `id` is in a version's deck (0-based).
fn deck_position(content: &Value, id: &str) -> Option<usize> {
    content["deck_slides"]
        .as_array()
        .expect("deck slides")
        .iter()
        .position(|s| s == id)
}

/// The first plain bullet slide of the first module, as the editor sees it.
fn a_topic_slide(content: &Value) -> Value {
    content["slides"]
        .as_array()
        .expect("slides")
        .iter()
        .filter(|s| s["module"] == 0 && s["kind"] == "bullets")
        .nth(1)
        .cloned()
        .expect("a bullet slide in module 1")
}

#[tokio::test]
async fn an_edited_slide_is_rebuilt_alone_and_versions_are_compared() {
    let (app, _dir, c) = common::admin().await;
    let v1 = c.finished_job("Fire safety basics", "Forest.pptx").await;
    let content = c.content(&v1).await;
    assert_eq!(content["revision"], 0, "{content}");
    assert_eq!(content["changed"], false);
    let slides = content["slides"].as_array().expect("slides").len();
    let deck_slides = content["deck_slides"].as_array().expect("deck slides").len();
    assert!(
        slides > 10 && deck_slides >= slides,
        "{slides} content, {deck_slides} deck slides"
    );

    // Change one slide's title, bullets and notes.
    let mut slide = a_topic_slide(&content);
    let id = slide["id"].as_str().expect("id").to_owned();
    slide["title"] = json!("Extinguishers, checked");
    slide["bullets"] = json!([
        { "text": "Read the pressure gauge every month", "level": 0 },
        { "text": "Green means ready", "level": 1 }
    ]);
    slide["notes"] = json!("Hold up a real extinguisher.");
    let after = c.change(&v1, json!({ "kind": "edit", "slide": slide })).await;
    assert_eq!(after["revision"], 1);
    assert_eq!(after["changed"], true);

    let started = Instant::now();
    let v2 = c.rebuilt(&v1, "").await;
    let rebuild = started.elapsed();
    let (old, new) = (c.deck(&v1).await, c.deck(&v2).await);
    assert_eq!(old.len(), new.len());
    let at = deck_position(&content, &id).expect("the slide is in the deck");
    assert!(
        new[at].contains("Extinguishers, checked") && new[at].contains("Read the pressure gauge every month")
    );
    for (i, (a, b)) in old.iter().zip(&new).enumerate() {
        if i != at {
            assert_eq!(a, b, "slide {} changed", i + 1);
        }
    }
    println!(
        "rebuild of {} slides: {rebuild:?} from the click to complete",
        new.len()
    );

    // Two versions; the second says what it was and what changed.
    let versions: Vec<Value> = c.json("/api/courses/versions", &[("id", &v2)]).await;
    let origins: Vec<(&Value, &Value)> = versions.iter().map(|v| (&v["version"], &v["origin"])).collect();
    assert_eq!(
        origins,
        vec![(&json!(1), &json!("generated")), (&json!(2), &json!("rebuilt"))]
    );
    let diff: Value = c.json("/api/courses/diff", &[("from", &v1), ("to", &v2)]).await;
    assert_eq!(diff["added"], json!([]));
    assert_eq!(diff["removed"], json!([]));
    assert_eq!(diff["changed"].as_array().map(Vec::len), Some(1), "{diff}");
    let fields: Vec<&str> = diff["changed"][0]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["field"].as_str().expect("field"))
        .collect();
    assert_eq!(fields, vec!["title", "bullets", "notes"]);
    assert!(diff["qa_after"].is_i64(), "{diff}");

    // Add a slide after the edited one, remove another, move the new one up.
    let after = c
        .change(
            &v2,
            json!({ "kind": "add", "after": id, "title": "Extinguisher types" }),
        )
        .await;
    let added = after["slides"]
        .as_array()
        .expect("slides")
        .iter()
        .find(|s| s["title"] == "Extinguisher types")
        .expect("added")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let mut new_slide = after["slides"]
        .as_array()
        .expect("slides")
        .iter()
        .find(|s| s["id"] == added.as_str())
        .cloned()
        .expect("added slide");
    new_slide["bullets"] = json!([{ "text": "Water, foam, CO2, powder", "level": 0 }]);
    c.change(&v2, json!({ "kind": "edit", "slide": new_slide })).await;
    let gone = c.content(&v2).await["slides"]
        .as_array()
        .expect("slides")
        .iter()
        .filter(|s| {
            s["module"] == 0 && s["kind"] == "bullets" && s["id"] != id.as_str() && s["id"] != added.as_str()
        })
        .nth(1)
        .cloned()
        .expect("another bullet slide")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    c.change(&v2, json!({ "kind": "remove", "id": gone })).await;
    // Down past the new slide, then past the next one it had.
    c.change(&v2, json!({ "kind": "move", "id": id, "by": 1 })).await;
    c.change(&v2, json!({ "kind": "move", "id": id, "by": 1 })).await;
    let v3 = c.rebuilt(&v2, "").await;
    assert!(c
        .deck(&v3)
        .await
        .iter()
        .any(|s| s.contains("Water, foam, CO2, powder")));
    let diff: Value = c.json("/api/courses/diff", &[("from", &v2), ("to", &v3)]).await;
    assert_eq!(diff["added"][0]["id"], added.as_str(), "{diff}");
    assert_eq!(diff["removed"][0]["id"], gone.as_str(), "{diff}");
    assert!(
        diff["changed"]
            .as_array()
            .expect("changed")
            .iter()
            .any(|s| s["id"] == id.as_str() && s["moved"] == true),
        "the slide moved down: {diff}"
    );

    // Version 1 made current again: built as version 4, the same as 1.
    let v4: String = c.json("/api/courses/make-current", &[("id", &v1)]).await;
    c.completes(&v4, Duration::from_secs(60)).await;
    assert_eq!(c.deck(&v4).await, old);
    let diff: Value = c.json("/api/courses/diff", &[("from", &v1), ("to", &v4)]).await;
    assert_eq!(
        (&diff["added"], &diff["removed"], &diff["changed"]),
        (&json!([]), &json!([]), &json!([]))
    );
    assert_eq!(c.content(&v4).await["changed"], false);
    let log = common::messages(&c.job(&v4).await);
    assert!(
        log.iter().any(|m| m.contains("Version 1 made current again")),
        "{log:?}"
    );

    // Another template: version 5, same words.
    let v5 = c.rebuilt(&v4, "Ocean.pptx").await;
    let versions: Vec<Value> = c.json("/api/courses/versions", &[("id", &v1)]).await;
    assert_eq!(versions.len(), 5);
    assert_eq!(versions[4]["origin"], "retemplated");
    assert_eq!(versions[4]["template_name"], "Ocean.pptx");
    let diff: Value = c.json("/api/courses/diff", &[("from", &v4), ("to", &v5)]).await;
    assert_eq!(diff["changed"], json!([]));
    assert_eq!(diff["template_after"], "Ocean.pptx");

    // The history lists the course once, as its newest version.
    let listed = c.history(&[("search", "Fire safety basics")]).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!((&listed[0]["id"], &listed[0]["version"]), (&json!(v5), &json!(5)));

    // Deleting deletes the course, every version; undoing brings all back.
    assert_eq!(c.call("/api/jobs/delete", &[("id", &v5)]).await.status(), 200);
    assert_eq!(
        c.history(&[("search", "Fire safety basics")]).await,
        Vec::<Value>::new()
    );
    assert_eq!(
        c.call("/api/jobs/get", &[("id", &v1)]).await.status(),
        404,
        "an older version goes too"
    );
    let deleted = c.history(&[("status", "deleted")]).await;
    assert_eq!(deleted.len(), 1, "{deleted:?}");
    assert_eq!(c.call("/api/jobs/restore", &[("id", &v5)]).await.status(), 200);
    let versions: Vec<Value> = c.json("/api/courses/versions", &[("id", &v1)]).await;
    assert_eq!(versions.len(), 5);
    app.stop().await;
}

#[tokio::test]
async fn the_second_of_two_editors_is_told_the_course_changed_and_limits_hold() {
    let Team {
        app,
        admin,
        owner,
        others,
        course: id,
        _dir,
        ..
    } = team("Two editors", &["other@example.com"]).await;
    let other = &others[0];

    // Owner and administrator open the same revision; the second save is refused.
    let seen = owner.content(&id).await;
    let mut slide = a_topic_slide(&seen);
    slide["title"] = json!("The owner's title");
    let first = owner
        .save(&id, 0, json!({ "kind": "edit", "slide": slide.clone() }))
        .await;
    assert_eq!(first.status(), 200);
    slide["title"] = json!("The admin's title");
    let second = admin
        .save(&id, 0, json!({ "kind": "edit", "slide": slide.clone() }))
        .await;
    assert_eq!(second.status(), 409);
    let said: Value = second.json().await.expect("error");
    assert!(
        said["Conflict"]
            .as_str()
            .unwrap_or_default()
            .contains("since you opened it"),
        "{said}"
    );
    let now = owner.content(&id).await;
    assert_eq!(a_topic_slide(&now)["title"], "The owner's title");

    // Anyone may read; only the owner or an administrator may change.
    assert_eq!(other.content(&id).await["revision"], 1);
    let res = other
        .save(&id, 1, json!({ "kind": "edit", "slide": slide.clone() }))
        .await;
    assert_eq!(res.status(), 403);

    // The limits of a new course hold for edits, and nothing is saved.
    slide["title"] = json!("x".repeat(201));
    let res = owner
        .save(&id, 1, json!({ "kind": "edit", "slide": slide.clone() }))
        .await;
    assert_eq!(res.status(), 422);
    let said: Value = res.json().await.expect("error");
    assert_eq!(said["Invalid"]["field"], "title", "{said}");
    slide["title"] = json!("Fine");
    slide["id"] = json!("s9999");
    assert_eq!(
        owner
            .save(&id, 1, json!({ "kind": "edit", "slide": slide }))
            .await
            .status(),
        409
    );
    let section = now["slides"]
        .as_array()
        .expect("slides")
        .iter()
        .find(|s| s["kind"] == "section")
        .cloned()
        .expect("a section");
    let res = owner
        .save(&id, 1, json!({ "kind": "remove", "id": section["id"] }))
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(owner.content(&id).await["revision"], 1);
    app.stop().await;
}

impl Client {
    async fn review(&self, id: &str) -> Value {
        self.json("/api/courses/review", &[("id", id)]).await
    }

    async fn comments(&self, id: &str) -> Vec<Value> {
        self.json("/api/courses/comments", &[("id", id)]).await
    }

    async fn inbox(&self) -> Value {
        self.json("/api/courses/inbox", &[]).await
    }
}

#[tokio::test]
async fn comments_stay_on_their_slide_when_a_rebuild_inserts_one_before_it() {
    let Team {
        app,
        admin,
        owner,
        course: v1,
        _dir,
        ..
    } = team("Commented course", &[]).await;
    let content = owner.content(&v1).await;
    let slide = a_topic_slide(&content);
    let sid = slide["id"].as_str().expect("id").to_owned();
    let at_v1 = deck_position(&content, &sid).expect("in the deck");

    // A reviewer comments; the owner replies.
    let thread: i64 = admin
        .json(
            "/api/courses/comment",
            &[
                ("id", &v1),
                ("slide", &sid),
                ("body", "Name the three extinguisher colours here."),
            ],
        )
        .await;
    let _reply: i64 = owner
        .json(
            "/api/courses/comment",
            &[
                ("id", &v1),
                ("slide", &sid),
                ("parent", &thread.to_string()),
                ("body", "Will do."),
            ],
        )
        .await;
    // Not on a slide the version does not have, not empty, not too long.
    for (slide, body, field) in [
        ("s9999", "Hello", "slide"),
        (sid.as_str(), "  ", "body"),
        (sid.as_str(), &"x".repeat(2001), "body"),
    ] {
        let (status, refused) = admin
            .field_error(
                "/api/courses/comment",
                &[("id", &v1), ("slide", slide), ("body", body)],
            )
            .await;
        assert_eq!((status, refused.as_str()), (422, field));
    }
    let inbox = owner.inbox().await;
    assert_eq!(
        inbox["comments_on_mine"][0]["body"], "Name the three extinguisher colours here.",
        "{inbox}"
    );
    assert_eq!(
        inbox["comments_on_mine"].as_array().map(Vec::len),
        Some(1),
        "the owner's own reply is not news to them"
    );

    // A slide inserted before it; rebuilt as version 2.
    let before = content["slides"]
        .as_array()
        .expect("slides")
        .iter()
        .take_while(|s| s["id"] != sid.as_str())
        .last()
        .cloned()
        .expect("a slide before");
    owner
        .change(
            &v1,
            json!({ "kind": "add", "after": before["id"], "title": "Before the commented one" }),
        )
        .await;
    let v2 = owner.rebuilt(&v1, "").await;
    let later = owner.content(&v2).await;
    let at_v2 = deck_position(&later, &sid).expect("still in the deck");
    assert_eq!(at_v2, at_v1 + 1, "the commented slide moved down one");
    let threads = owner.comments(&v2).await;
    assert_eq!(threads.len(), 1);
    assert_eq!(
        (&threads[0]["slide_id"], &threads[0]["version"]),
        (&json!(sid), &json!(1))
    );
    assert_eq!(threads[0]["replies"][0]["body"], "Will do.");

    // Resolve, reopen, resolve: a resolved thread is no longer news.
    for resolved in ["true", "false", "true"] {
        let res = owner
            .call(
                "/api/courses/resolve",
                &[
                    ("id", &v2),
                    ("thread", &thread.to_string()),
                    ("resolved", resolved),
                ],
            )
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(owner.comments(&v2).await[0]["resolved"], resolved == "true");
    }
    assert_eq!(owner.inbox().await["comments_on_mine"], json!([]));
    app.stop().await;
}

#[tokio::test]
async fn a_course_is_approved_by_someone_else_and_an_edit_after_starts_a_new_draft() {
    let Team {
        app,
        owner,
        others,
        course: v1,
        _dir,
        ..
    } = team(
        "Reviewed course",
        &["reviewer@example.com", "bystander@example.com"],
    )
    .await;
    let (reviewer, bystander) = (&others[0], &others[1]);
    assert_eq!(owner.review(&v1).await["state"], "draft");

    // An unknown or over-long reviewer is a field error, never a lookup of anything.
    let long = format!("{}@example.com", "r".repeat(300));
    for email in ["nobody@example.com", long.as_str()] {
        let (status, field) = owner
            .field_error("/api/courses/submit", &[("id", &v1), ("reviewer", email)])
            .await;
        assert_eq!((status, field.as_str()), (422, "reviewer"));
    }
    let res = owner
        .call(
            "/api/courses/submit",
            &[("id", &v1), ("reviewer", "reviewer@example.com")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let review = owner.review(&v1).await;
    assert_eq!(
        (&review["state"], &review["reviewer"]),
        (&json!("in_review"), &json!("Mia Member"))
    );
    assert_eq!(reviewer.inbox().await["waiting_for_me"][0]["job"], v1.as_str());
    assert_eq!(bystander.inbox().await["waiting_for_me"], json!([]));
    assert_eq!(
        owner.history(&[("status", "in_review")]).await[0]["id"],
        v1.as_str()
    );

    // Not by who submitted it; not by someone who was not asked.
    let own = owner
        .call("/api/courses/decide", &[("id", &v1), ("approve", "true")])
        .await;
    assert_eq!(own.status(), 409);
    let other = bystander
        .call("/api/courses/decide", &[("id", &v1), ("approve", "true")])
        .await;
    assert_eq!(other.status(), 403);
    let res = reviewer
        .call(
            "/api/courses/decide",
            &[("id", &v1), ("approve", "true"), ("note", "Ready for the pilot.")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let review = owner.review(&v1).await;
    assert_eq!(review["state"], "approved");
    assert_eq!(review["approved_version"], 1);
    assert_eq!(review["note"], "Ready for the pilot.");
    assert!(review["decided_at"].is_string());
    let approved = owner.history(&[("status", "approved")]).await;
    assert_eq!(
        (&approved[0]["id"], &approved[0]["review"]),
        (&json!(v1), &json!("approved"))
    );

    // The approved version stays as it was: an edit starts a new draft.
    let before = owner.content(&v1).await;
    let mut slide = a_topic_slide(&before);
    slide["title"] = json!("Changed after approval");
    owner.change(&v1, json!({ "kind": "edit", "slide": slide })).await;
    let review = owner.review(&v1).await;
    assert_eq!(
        (&review["state"], &review["approved_version"]),
        (&json!("draft"), &json!(1))
    );
    let v2 = owner.rebuilt(&v1, "").await;
    let diff: Value = owner
        .json("/api/courses/diff", &[("from", &v1), ("to", &v2)])
        .await;
    assert_eq!(diff["changed"][0]["fields"][0]["after"], "Changed after approval");
    assert_eq!(
        diff["changed"][0]["fields"][0]["before"],
        a_topic_slide(&before)["title"]
    );
    assert_eq!(
        owner.history(&[("status", "approved")]).await,
        Vec::<Value>::new()
    );
    app.stop().await;
}

/// A server whose AI writer is the fake model; its administrator.
async fn with_ai_writer() -> (
    common::TestApp,
    tempfile::TempDir,
    Client,
    common::fake_llm::FakeServer,
) {
    use common::fake_llm::{normal, Api, FakeServer};
    let fake = FakeServer::start(Api::Anthropic, normal()).await;
    let llm = fake.config();
    let (app, dir, c) = common::admin_on(|cfg| cfg.llm = llm).await;
    (app, dir, c, fake)
}

fn slides_of(content: &Value) -> Vec<Value> {
    content["slides"].as_array().cloned().expect("slides")
}

#[tokio::test]
async fn the_ai_writer_rewrites_one_module_or_one_slide_and_nothing_else() {
    let (app, _dir, c, fake) = with_ai_writer().await;
    let v1 = c.finished_job("Rewritten in parts", "Forest.pptx").await;
    let before = c.content(&v1).await;
    let calls = fake.calls();
    let spent = c.job(&v1).await["usage"]["calls"].as_i64().expect("calls");

    // "Rewrite this module" (the second): one call; only its slides change.
    let res = c
        .http
        .post(format!("{}/api/courses/rewrite", c.base))
        .form(&[
            ("id", v1.as_str()),
            ("revision", "0"),
            ("module", "1"),
            ("instruction", "shorter"),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
    assert_eq!(fake.calls(), calls + 1);
    let after = c.content(&v1).await;
    assert_eq!(after["revision"], 1);
    let (old, new) = (slides_of(&before), slides_of(&after));
    assert_eq!(old.len(), new.len());
    let mut rewritten = 0;
    for (o, n) in old.iter().zip(&new) {
        if o["module"] == 1 {
            assert_ne!(o, n, "module 2's slide {} was rewritten", o["id"]);
            rewritten += 1;
        } else {
            assert_eq!(o, n, "slide {} outside module 2 is as it was", o["id"]);
        }
    }
    assert!(rewritten > 3);
    let bodies = fake.bodies().await;
    let prompt = common::fake_llm::prompt(
        common::fake_llm::Api::Anthropic,
        &bodies.last().expect("a call").1,
    );
    assert!(prompt.contains("The editor asks: shorter"), "{prompt}");
    // Spent on the course, as every model call is.
    assert_eq!(c.job(&v1).await["usage"]["calls"].as_i64(), Some(spent + 1));

    // "Rewrite this slide", on a manual edit elsewhere: the edit stays.
    let mut edited = slides_of(&after)
        .into_iter()
        .find(|s| s["module"] == 0 && s["kind"] == "bullets")
        .expect("a slide");
    edited["title"] = json!("Kept by hand");
    c.change(&v1, json!({ "kind": "edit", "slide": edited.clone() }))
        .await;
    let target = new
        .iter()
        .find(|s| s["module"] == 2 && s["kind"] == "bullets")
        .expect("a slide")["id"]
        .clone();
    let res = c
        .http
        .post(format!("{}/api/courses/rewrite", c.base))
        .form(&[
            ("id", v1.as_str()),
            ("revision", "2"),
            ("slide", target.as_str().expect("id")),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 200);
    let last = slides_of(&c.content(&v1).await);
    assert_eq!(last.len(), new.len());
    for s in &last {
        let was = slides_of(&after)
            .into_iter()
            .find(|o| o["id"] == s["id"])
            .expect("same slides");
        if s["id"] == target {
            assert!(s["title"].as_str().expect("title").starts_with("Rewritten: "));
        } else if s["id"] == edited["id"] {
            assert_eq!(s["title"], "Kept by hand");
        } else {
            assert_eq!(s, &was);
        }
    }
    // Rebuilt: the deck says it.
    let v2 = c.rebuilt(&v1, "").await;
    assert!(c.deck(&v2).await.iter().any(|s| s.contains("Shorter: ")));
    app.stop().await;
}

#[tokio::test]
async fn without_an_ai_writer_rewrite_and_translate_say_what_is_needed() {
    let (app, _dir, c) = common::admin().await;
    let id = c.finished_job("Offline only", "Forest.pptx").await;
    for (path, form) in [
        (
            "/api/courses/rewrite",
            vec![("id", id.as_str()), ("revision", "0"), ("module", "0")],
        ),
        (
            "/api/courses/translate",
            vec![("id", id.as_str()), ("language", "de")],
        ),
    ] {
        let res = c.call(path, &form).await;
        assert_eq!(res.status(), 409, "{path}");
        let said: Value = res.json().await.expect("error");
        assert!(
            said["Conflict"]
                .as_str()
                .unwrap_or_default()
                .contains("LLM_PROVIDER"),
            "{said}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn a_translation_is_a_linked_course_whose_every_slide_is_in_its_language() {
    let (app, _dir, c, fake) = with_ai_writer().await;
    let en = c.finished_job("Fire safety", "Forest.pptx").await;
    let modules = c.content(&en).await["modules"]
        .as_array()
        .map(Vec::len)
        .expect("modules");
    let calls = fake.calls();
    let de: String = c
        .json("/api/courses/translate", &[("id", &en), ("language", "de")])
        .await;
    let j = c.completes(&de, Duration::from_secs(60)).await;
    // One call for the course's own slides and one per module.
    assert_eq!(fake.calls(), calls + 1 + modules);
    assert_eq!(j["job"]["course_title"], "Fire safety (German)");
    assert_eq!(j["job"]["language"], "de");
    let report: Value = serde_json::from_str(j["qa_report"].as_str().expect("report")).expect("json");
    let mixed: Vec<&Value> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "mixed_language")
        .collect();
    assert!(mixed.is_empty(), "{mixed:?}");
    assert_eq!(j["job"]["qa_verdict"], "pass", "{report}");
    let log = common::messages(&j);
    assert!(
        log.iter()
            .any(|m| m.contains("A translation into German of \"Fire safety\"")),
        "{log:?}"
    );
    assert!(
        log.iter()
            .any(|m| m.contains("Translating every slide into German")),
        "{log:?}"
    );
    // Its own course (version 1), the same structure and template.
    let versions: Vec<Value> = c.json("/api/courses/versions", &[("id", &de)]).await;
    assert_eq!(
        (versions.len(), &versions[0]["origin"]),
        (1, &json!("translated"))
    );
    let (a, b) = (c.content(&en).await, c.content(&de).await);
    let shape = |v: &Value| {
        slides_of(v)
            .iter()
            .map(|s| (s["id"].clone(), s["kind"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(shape(&a), shape(&b));
    assert!(c
        .deck(&de)
        .await
        .iter()
        .any(|s| s.contains(common::fake_llm::GERMAN_LINE)));
    app.stop().await;
}

#[tokio::test]
async fn an_lms_tool_edits_rebuilds_reviews_and_compares_through_the_api() {
    let Team {
        app,
        owner,
        others,
        course: v1,
        _dir,
        ..
    } = team("Through the API", &["reviewer@example.com"]).await;
    let reviewer = &others[0];
    let api = owner.api_token("LMS", "write").await;
    let reviewer_api = reviewer.api_token("Reviewer's tool", "write").await;
    let read_only = owner.api_token("Reader", "read").await;

    let (status, _, content) = api.get(&format!("/api/v1/courses/{v1}/content")).await;
    assert_eq!(status, 200, "{content}");
    let mut slide = a_topic_slide(&content);
    slide["title"] = json!("Changed by the LMS");
    let change = json!({ "revision": 0, "change": { "kind": "edit", "slide": slide } });
    let (status, _, _) = read_only
        .post(&format!("/api/v1/courses/{v1}/content"), &change)
        .await;
    assert_eq!(status, 403, "a read token cannot change");
    let (status, _, after) = api.post(&format!("/api/v1/courses/{v1}/content"), &change).await;
    assert_eq!((status, &after["revision"]), (200, &json!(1)), "{after}");
    let (status, _, stale) = api.post(&format!("/api/v1/courses/{v1}/content"), &change).await;
    assert_eq!(status, 409, "{stale}");

    let (status, _, queued) = api
        .post(&format!("/api/v1/courses/{v1}/rebuild"), &json!({}))
        .await;
    assert_eq!((status, &queued["version"]), (202, &json!(2)), "{queued}");
    let v2 = queued["id"].as_str().expect("id").to_owned();
    owner.completes(&v2, Duration::from_secs(60)).await;
    let (_, _, versions) = api.get(&format!("/api/v1/courses/{v2}/versions")).await;
    assert_eq!(versions.as_array().map(Vec::len), Some(2));
    let (status, _, diff) = api.get(&format!("/api/v1/courses/{v2}/diff?from={v1}")).await;
    assert_eq!(status, 200);
    assert_eq!(diff["changed"][0]["fields"][0]["after"], "Changed by the LMS");

    let (status, _, comment) = reviewer_api
        .post(
            &format!("/api/v1/courses/{v2}/comments"),
            &json!({ "slide": slide["id"], "body": "Good change." }),
        )
        .await;
    assert_eq!(status, 201, "{comment}");
    let (_, _, threads) = api.get(&format!("/api/v1/courses/{v1}/comments")).await;
    assert_eq!(threads[0]["version"], 2);

    let submit = json!({ "action": "submit", "reviewer": "reviewer@example.com" });
    assert_eq!(
        api.post(&format!("/api/v1/courses/{v2}/review"), &submit).await.0,
        200
    );
    let approve = json!({ "action": "approve", "note": "Fine." });
    assert_eq!(
        api.post(&format!("/api/v1/courses/{v2}/review"), &approve)
            .await
            .0,
        409,
        "not by who submitted it"
    );
    let (status, _, review) = reviewer_api
        .post(&format!("/api/v1/courses/{v2}/review"), &approve)
        .await;
    assert_eq!(
        (status, &review["state"], &review["approved_version"]),
        (200, &json!("approved"), &json!(2))
    );
    let (status, _, refused) = api
        .post(
            &format!("/api/v1/courses/{v2}/translate"),
            &json!({ "language": "de" }),
        )
        .await;
    assert_eq!(status, 409, "no AI writer here: {refused}");
    app.stop().await;
}

#[tokio::test]
async fn a_changed_outline_and_timetable_write_the_course_again_as_its_next_version() {
    let (app, _dir, c) = common::admin().await;
    let v1 = c.finished_job("Written twice", "Forest.pptx").await;
    let before = c.content(&v1).await;
    let mut slide = a_topic_slide(&before);
    slide["title"] = json!("Edited by hand");
    c.change(&v1, json!({ "kind": "edit", "slide": slide })).await;

    // The spec, changed: one more module, two days, an early start.
    let mut spec: Value = c.json("/api/courses/spec", &[("id", &v1)]).await;
    spec["days"] = json!(2);
    spec["timetable"] =
        json!({ "start": "08:00", "end": "16:00", "lunch": "12:00/45", "breaks": "10:00/15" });
    spec["outline"]["modules"].as_array_mut().expect("modules").push(
        json!({ "title": "Evacuation drills", "topics": [
            { "title": "Planning a drill", "points": [{ "text": "Pick a quiet hour", "level": 0 }] },
            { "title": "After the drill", "points": [{ "text": "Time the evacuation", "level": 0 }] }
        ] }),
    );
    let res = c
        .http
        .post(format!("{}/api/courses/regenerate", c.base))
        .json(&json!({ "id": v1, "spec": spec }))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
    let v2: String = res.json().await.expect("id");
    let j = c.completes(&v2, Duration::from_secs(60)).await;
    assert_eq!(j["job"]["duration_days"], 2);
    let versions: Vec<Value> = c.json("/api/courses/versions", &[("id", &v1)]).await;
    assert_eq!(
        (versions.len(), &versions[1]["origin"]),
        (2, &json!("regenerated"))
    );
    let after = c.content(&v2).await;
    assert_eq!(
        after["modules"].as_array().map(Vec::len),
        before["modules"].as_array().map(|m| m.len() + 1)
    );
    assert_eq!(
        (&after["revision"], &after["changed"]),
        (&json!(0), &json!(false)),
        "a fresh working copy"
    );
    assert!(!after.to_string().contains("Edited by hand"));
    let deck = c.deck(&v2).await.join("\n");
    assert!(
        deck.contains("Evacuation drills") && deck.contains("08:00–"),
        "the new module and day"
    );
    app.stop().await;
}
