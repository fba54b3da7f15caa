//! Object storage against a real S3-compatible server (s3s-fs on localhost):
//! decks uploaded after completion and downloaded through presigned URLs
//! that expire; banks uploaded and synced moving only what changed; large
//! files in parts; an outage during a job's upload that loses nothing; and
//! the janitor.

use crate::common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::s3_server::S3Server;
use common::{Client, TestApp};
use serde_json::Value;

use common::sample_outline as outline;

async fn start_job(c: &Client) -> String {
    let res = c
        .start(&[
            ("title", "Fire safety"),
            ("days", "1"),
            ("language", "en"),
            ("template", "Ocean.pptx"),
            ("outline", &outline()),
        ])
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.expect("id")
}

/// A server whose decks go to a fresh S3 server, with `tweak` applied to
/// its settings, and the administrator signed in.
async fn on_s3(tweak: impl FnOnce(&mut backend::Config)) -> (tempfile::TempDir, S3Server, TestApp, Client) {
    let tmp = tempfile::tempdir().expect("tmp");
    let s3 = S3Server::start(&tmp.path().join("s3")).await;
    let mut config = common::config(&tmp.path().join("app"));
    config.s3 = s3.config();
    tweak(&mut config);
    let (app, c) = TestApp::signed_in(config).await;
    (tmp, s3, app, c)
}

async fn job_row(app: &TestApp, id: &str) -> (String, Option<String>, Option<String>) {
    backend::on_db!(&app.state.pool, pool => sqlx::query_as("SELECT status, output_local, output_s3_key FROM jobs WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
.await)
        .expect("row")
}

/// Waits until `f` holds for the job's row.
async fn wait_row(
    app: &TestApp,
    id: &str,
    limit: Duration,
    f: impl Fn(&(String, Option<String>, Option<String>)) -> bool,
) -> (String, Option<String>, Option<String>) {
    let t = Instant::now();
    loop {
        let row = job_row(app, id).await;
        if f(&row) {
            return row;
        }
        assert!(t.elapsed() < limit, "job {id} never got there: {row:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Whether `file` is gone within a few seconds. A deck's local copy is
/// removed right after its move to the bucket is recorded (record first, so
/// a crash in between leaves a copy, never nothing), so under load the row
/// can be read a moment before the file goes.
async fn removed(file: &std::path::Path) -> bool {
    let t = std::time::Instant::now();
    while file.exists() && t.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    !file.exists()
}

#[tokio::test]
async fn a_deck_lands_in_the_bucket_and_its_presigned_url_works_until_the_ttl() {
    let (tmp, s3, app, c) = on_s3(|s| (s.presigned_url_ttl, s.deleted_keep_minutes) = (3, 0)).await;
    let health: Value = c.get("/health").await.json().await.expect("health");
    assert_eq!(health["storage"], "s3", "{health}");

    let id = start_job(&c).await;
    let (_, local, key) = wait_row(&app, &id, Duration::from_secs(30), |r| r.2.is_some()).await;
    let key = key.expect("key");
    assert_eq!(key, format!("outputs/{id}.pptx"));
    assert!(
        local.is_none(),
        "the local copy is dropped once the upload is confirmed"
    );
    assert!(
        removed(&tmp.path().join("app/outputs").join(format!("{id}.pptx"))).await,
        "the local copy is removed"
    );
    let stored = s3.object(&key).expect("object in the bucket");
    assert!(deck::check::check_bytes(&stored).expect("check").is_empty());

    // API callers get JSON; a plain HTTP client fetches the same bytes.
    let app_link = c.download_link(&id).await;
    let res = c.get_with(&app_link, "accept", "application/json").await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.expect("json");
    let url = body["url"].as_str().expect("url").to_string();
    assert_eq!(body["expires_in"], 3);
    assert!(
        url.starts_with(&s3.endpoint()) && url.contains("X-Amz-Signature="),
        "{url}"
    );
    let plain = reqwest::Client::new();
    let res = plain.get(&url).send().await.expect("presigned get");
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.expect("bytes").as_ref(), stored.as_slice());

    // Browsers are redirected to it.
    let res = c.get(&app_link).await;
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().expect("location").to_string();
    assert!(location.starts_with(&s3.endpoint()));

    // After the TTL the URL no longer works.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let res = plain.get(&url).send().await.expect("expired get");
    assert_eq!(res.status(), 403, "an expired presigned URL must be refused");

    // With no undo time, deleting the job deletes the object at once.
    let res = c.call("/api/jobs/delete", &[("id", &id)]).await;
    assert_eq!(res.status(), 200);
    assert!(s3.object(&key).is_none());
    app.stop().await;
}

#[tokio::test]
async fn previews_are_kept_beside_the_deck_and_the_pdf_is_a_presigned_redirect() {
    let (tmp, s3, app, c) = on_s3(|s| s.deleted_keep_minutes = 0).await;
    let id = start_job(&c).await;
    wait_row(&app, &id, Duration::from_secs(30), |r| r.2.is_some()).await;
    let p = c.previews(&id).await;
    let pages = p["pages"].as_u64().expect("pages") as usize;
    assert!(pages > 5, "{p}");

    // Beside the deck: the PDF, every page's thumbnail, the notes, the
    // marker; a large picture once someone asked for it.
    let prefix = format!("outputs/{id}.previews/");
    let pdf = s3
        .object(&format!("{prefix}deck.pdf"))
        .expect("PDF in the bucket");
    assert!(pdf.starts_with(b"%PDF"));
    for n in 1..=pages {
        assert!(
            s3.object(&format!("{prefix}thumb-{n}.png")).is_some(),
            "thumb-{n}"
        );
    }
    assert!(s3.object(&format!("{prefix}large-1.png")).is_none());
    let res = c.get(&format!("/api/jobs/{id}/slides/1.png?size=large")).await;
    assert_eq!(res.status(), 200);
    assert!(
        s3.object(&format!("{prefix}large-1.png")).is_some(),
        "stored when drawn"
    );
    assert_eq!(
        s3.object(&format!("{prefix}pages"))
            .map(|b| String::from_utf8_lossy(&b).to_string()),
        Some(pages.to_string())
    );

    // The PDF is a redirect to a presigned link that serves it.
    let res = c.get(&format!("/api/jobs/{id}/pdf")).await;
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().expect("location").to_string();
    assert!(
        location.starts_with(&s3.endpoint()) && location.contains("X-Amz-Signature="),
        "{location}"
    );
    let res = reqwest::get(&location).await.expect("presigned pdf");
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.expect("pdf").as_ref(), pdf.as_slice());

    // Another replica (here: this one without its local copy) serves the
    // pages and notes from the bucket without converting again; a large
    // picture nobody drew yet it draws from the bucket's PDF, and stores.
    std::fs::remove_dir_all(tmp.path().join("app/previews").join(&id)).expect("local cache");
    let again = c.previews(&id).await;
    assert_eq!(again["pages"], p["pages"]);
    assert_eq!(again["drawn"], p["pages"], "{again}");
    assert_eq!(again["notes"], p["notes"]);
    assert_eq!(
        Some(c.bytes(&format!("/api/jobs/{id}/slides/{pages}.png")).await),
        s3.object(&format!("{prefix}thumb-{pages}.png"))
    );
    assert_eq!(
        Some(
            c.bytes(&format!("/api/jobs/{id}/slides/{pages}.png?size=large"))
                .await
        ),
        s3.object(&format!("{prefix}large-{pages}.png"))
    );

    // With no undo time, deleting the job deletes its previews at once too.
    let res = c.call("/api/jobs/delete", &[("id", &id)]).await;
    assert_eq!(res.status(), 200);
    assert!(s3.object(&format!("{prefix}deck.pdf")).is_none());
    assert!(s3.object(&format!("{prefix}pages")).is_none());
    app.stop().await;
}

#[tokio::test]
async fn an_outage_during_upload_keeps_the_deck_local_until_the_service_is_back() {
    let (_tmp, mut s3, app, c) = on_s3(|_| {}).await;

    s3.stop();
    let id = start_job(&c).await;
    let (status, local, key) = wait_row(&app, &id, Duration::from_secs(30), |r| {
        r.0 != "queued" && r.0 != "running"
    })
    .await;
    assert_eq!(status, "complete");
    assert!(key.is_none());
    let local = app
        .state
        .storage
        .file(&local.expect("kept locally"))
        .expect("file");
    assert!(local.exists());
    let health: Value = c.get("/health").await.json().await.expect("health");
    assert_eq!(health["storage"], "unreachable", "{health}");
    assert_eq!(health["status"], "degraded");

    // Meanwhile the download works from the local copy.
    let res = c.get(&c.download_link(&id).await).await;
    assert_eq!(res.status(), 200);
    let local_bytes = res.bytes().await.expect("bytes");
    assert_eq!(
        local_bytes.as_ref(),
        std::fs::read(&local).expect("local").as_slice()
    );

    // Back up: the retry (1 s, doubling) uploads it; nothing is lost.
    tokio::time::sleep(Duration::from_secs(2)).await;
    s3.resume().await;
    let (_, local_after, key) = wait_row(&app, &id, Duration::from_secs(30), |r| r.2.is_some()).await;
    assert!(local_after.is_none());
    assert!(removed(&local).await, "the local copy is removed");
    assert_eq!(
        s3.object(&key.expect("key")).expect("object"),
        local_bytes.as_ref()
    );
    let res = c.get(&c.download_link(&id).await).await;
    assert_eq!(res.status(), 302, "now served from the bucket");
    app.stop().await;
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("dir");
    for e in std::fs::read_dir(from).expect("read") {
        let e = e.expect("entry");
        let dest = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).expect("copy");
        }
    }
}

#[tokio::test]
async fn banks_upload_and_sync_move_only_what_changed() {
    let tmp = tempfile::tempdir().expect("tmp");
    let s3 = S3Server::start(&tmp.path().join("s3")).await;
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    // Local bank folders (a copy, to change one file), with a subfolder.
    let src = tmp.path().join("src");
    copy_tree(&samples.join("banks/tagged"), &src.join("tagged"));
    copy_tree(&samples.join("banks/drilldown"), &src.join("drilldown"));
    copy_tree(&samples.join("templates"), &src.join("templates"));
    copy_tree(&samples.join("illustrations"), &src.join("illustrations"));
    std::fs::create_dir_all(src.join("illustrations/extra")).expect("dir");
    std::fs::write(src.join("illustrations/extra/note.txt"), "in a subfolder").expect("write");
    let mut config = common::config(&tmp.path().join("app"));
    config.s3 = s3.config();
    config.banks.tagged_bank_dir = src.join("tagged");
    config.banks.drill_down_bank_dir = src.join("drilldown");
    config.sample_templates_dir = src.join("templates");
    config.banks.illustrations_dir = src.join("illustrations");
    let bucket = backend::storage::s3::S3::from_config(&config.s3)
        .await
        .expect("s3")
        .expect("configured");
    let files = |d: &Path| walkdir_count(d);
    let total = files(&src);

    let first = backend::templates::banks::upload(&bucket, &config)
        .await
        .expect("upload");
    assert_eq!((first.moved, first.skipped), (total, 0));
    // The second upload moves nothing.
    let second = backend::templates::banks::upload(&bucket, &config)
        .await
        .expect("upload again");
    assert_eq!((second.moved, second.skipped), (0, total));
    assert_eq!(second.skipped_bytes, first.moved_bytes);

    let root = tmp.path().join("banks-root");
    let s1 = backend::templates::banks::sync(&bucket, &root)
        .await
        .expect("sync");
    assert_eq!((s1.moved, s1.skipped), (total, 0));
    assert!(
        root.join("illustrations/extra/note.txt").exists(),
        "folders are kept"
    );
    assert_eq!(
        std::fs::read(root.join("tagged/catalogue.json")).expect("synced"),
        std::fs::read(src.join("tagged/catalogue.json")).expect("source")
    );
    // The second sync downloads nothing.
    let s2 = backend::templates::banks::sync(&bucket, &root)
        .await
        .expect("sync again");
    assert_eq!((s2.moved, s2.skipped), (0, total));

    // One changed file: only it moves, both ways.
    std::fs::write(
        src.join("illustrations/extra/note.txt"),
        "changed, and longer than before",
    )
    .expect("write");
    let up = backend::templates::banks::upload(&bucket, &config)
        .await
        .expect("upload");
    assert_eq!((up.moved, up.skipped), (1, total - 1));
    let down = backend::templates::banks::sync(&bucket, &root)
        .await
        .expect("sync");
    assert_eq!((down.moved, down.skipped), (1, total - 1));
    assert_eq!(
        std::fs::read_to_string(root.join("illustrations/extra/note.txt")).expect("read"),
        "changed, and longer than before"
    );
    // A local file damaged to the same size is noticed by its hash.
    let catalogue = root.join("tagged/catalogue.json");
    let mut bytes = std::fs::read(&catalogue).expect("read");
    bytes[0] ^= 0x20;
    std::fs::write(&catalogue, &bytes).expect("write");
    let fix = backend::templates::banks::sync(&bucket, &root)
        .await
        .expect("sync");
    assert_eq!(fix.moved, 1);
    // No partial files are left behind.
    assert_eq!(walkdir_count(&root), total);

    // The synced banks work: the app plans from them after BANKS_SYNC_ON_START.
    config.s3.banks_sync_on_start = true;
    config.s3.banks_root = tmp.path().join("synced-at-start");
    let app = TestApp::start_with(config).await;
    assert_eq!(
        app.state.config.banks.tagged_bank_dir,
        tmp.path().join("synced-at-start/tagged")
    );
    assert!(app.state.config.banks.load().infographics.len() >= 24);
    assert!(tmp.path().join("synced-at-start/templates/Ocean.pptx").exists());
    app.stop().await;

    // The CLI prints the summary.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_courseware"))
        .args(["banks", "upload"])
        .env("S3_BUCKET", common::s3_server::BUCKET)
        .env("S3_ENDPOINT", s3.endpoint())
        .env("S3_FORCE_PATH_STYLE", "true")
        .env("AWS_ACCESS_KEY_ID", common::s3_server::ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", common::s3_server::SECRET_KEY)
        .env("TAGGED_BANK_DIR", src.join("tagged"))
        .env("DRILL_DOWN_BANK_DIR", src.join("drilldown"))
        .env("SAMPLE_TEMPLATES_DIR", src.join("templates"))
        .env("ILLUSTRATIONS_DIR", src.join("illustrations"))
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!(
            "uploaded 0 files (0.00 MB), skipped {total} unchanged files"
        )),
        "{stdout}"
    );
}

fn walkdir_count(dir: &Path) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(dir).expect("read").flatten() {
        let p = e.path();
        if p.is_dir() {
            n += walkdir_count(&p);
        } else if !e.file_name().to_string_lossy().starts_with('.') {
            n += 1;
        }
    }
    n
}

#[tokio::test]
async fn large_files_are_uploaded_in_parts() {
    let tmp = tempfile::tempdir().expect("tmp");
    let s3 = S3Server::start(&tmp.path().join("s3")).await;
    let mut cfg = s3.config();
    cfg.s3_multipart_threshold_mb = 5;
    let bucket = backend::storage::s3::S3::from_config(&cfg)
        .await
        .expect("s3")
        .expect("configured");
    let path = tmp.path().join("big.bin");
    let data: Vec<u8> = (0..20_000_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &data).expect("write");
    let size = bucket
        .put_file("outputs/big.bin", &path, "application/octet-stream")
        .await
        .expect("upload");
    assert_eq!(size, 20_000_000);
    assert_eq!(s3.object("outputs/big.bin").expect("object"), data);
    let (n, sha) = bucket
        .head("outputs/big.bin")
        .await
        .expect("head")
        .expect("exists");
    assert_eq!(n, 20_000_000);
    assert_eq!(
        sha,
        Some(backend::storage::s3::file_sha256(&path).await.expect("sha"))
    );
}

#[tokio::test]
async fn the_janitor_removes_old_temporary_files_but_never_a_decks_only_copy() {
    let (app, tmp, c) = common::admin().await;
    let id = start_job(&c).await;
    let (_, local, _) = wait_row(&app, &id, Duration::from_secs(30), |r| r.0 == "complete").await;
    let local = app.state.storage.file(&local.expect("local deck")).expect("file");
    let outputs = tmp.path().join("outputs");
    std::fs::write(outputs.join(".zz999999.pptx.part"), b"partial").expect("write");
    std::fs::write(outputs.join("zz999999.pptx"), b"orphan").expect("write");
    let uploads = backend::templates::uploads_dir(&app.state.config);
    std::fs::create_dir_all(&uploads).expect("dir");
    std::fs::write(uploads.join("abcdefghijklmnop.pptx"), b"old upload").expect("write");

    // Young files survive a normal pass.
    let (o, u) =
        backend::storage::offload::sweep(&app.state, Duration::from_secs(3600), Duration::from_secs(3600))
            .await
            .expect("sweep");
    assert_eq!((o, u), (0, 0));
    // Aged out: temporary files go, the job's only copy stays.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let (o, u) =
        backend::storage::offload::sweep(&app.state, Duration::from_millis(1), Duration::from_millis(1))
            .await
            .expect("sweep");
    assert_eq!((o, u), (2, 1));
    assert!(local.exists());
    assert_eq!(c.status(&c.download_link(&id).await).await, 200);
    app.stop().await;
}

/// With replicas, a deck that is still only local lives on the replica that
/// built it: another replica's uploader leaves it alone instead of failing
/// on a file it does not have (and backing off). On SQLite, one server owns
/// every deck, so a missing file is a failure to report.
#[tokio::test]
async fn an_uploader_skips_decks_another_replica_holds() {
    let (_tmp, _s3, app, c) = on_s3(|_| {}).await;
    let id = start_job(&c).await;
    wait_row(&app, &id, Duration::from_secs(60), |(_, _, key)| key.is_some()).await;
    // As if another replica had built it and not uploaded it yet.
    backend::on_db!(&app.state.pool, pool => sqlx::query(
        "UPDATE jobs SET output_s3_key = NULL, output_local = 'elsewhere/abcd1234.pptx' WHERE id = $1",
    )
    .bind(&id)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("move the deck elsewhere");
    let (uploaded, failed) = backend::storage::offload::upload_pending(&app.state).await;
    assert_eq!(uploaded, 0);
    assert_eq!(
        failed,
        usize::from(!common::on_postgres()),
        "skipped on PostgreSQL, a failure on SQLite"
    );
    app.stop().await;
}
