//! Review and sign-off of a course: its owner (or an administrator) submits
//! it for review — to someone named or to anyone on the team —, another
//! person approves it (recording the version approved) or asks for
//! changes; an edit after that starts a new draft. Anyone signed in may
//! comment on a slide, reply, and resolve or reopen a thread. Comments
//! hang on the content slide's stable id, so they follow their slide
//! through rebuilds that add or move others.

use types::account::CurrentUser;
use types::content::{Comment, Review, ReviewInbox};
use types::limits::{MAX_COMMENTS_PER_COURSE, MAX_COMMENT_CHARS};
use types::validate::JobId;
use types::ApiError;

use super::edit::course_of;
use crate::db::jobs::content as store;
use crate::db::reviews as db;
use crate::{AppState, Result};

/// How many items each of the dashboard's review lists shows.
const INBOX_ROWS: i64 = 10;

/// The course's review (a course nobody submitted is a draft).
pub async fn review(state: &AppState, id: &JobId) -> Result<Review> {
    let m = course_of(state, id).await?;
    Ok(db::get(&state.pool, &m.course_id)
        .await?
        .map(|s| s.review)
        .unwrap_or_else(|| Review {
            state: "draft".into(),
            ..Review::default()
        }))
}

/// Submits the course for review, to `reviewer` (an email) or to anyone.
pub async fn submit(
    state: &AppState,
    user: &CurrentUser,
    id: &JobId,
    reviewer: Option<&str>,
) -> Result<Review> {
    let m = course_of(state, id).await?;
    if user.id != m.user_id && !user.is_admin {
        return Err(ApiError::Forbidden.into());
    }
    if store::current(&state.pool, &m.course_id).await?.is_none() {
        return Err(
            ApiError::Conflict("Only a course with a finished version can be reviewed.".into()).into(),
        );
    }
    let reviewer = match reviewer.map(str::trim).filter(|r| !r.is_empty()) {
        None => None,
        Some(email) if email.len() > types::limits::MAX_EMAIL_BYTES => {
            return Err(ApiError::invalid("reviewer", "Nobody on the team signs in with that email.").into())
        }
        Some(email) => {
            let found = crate::db::users::credentials(&state.pool, email)
                .await?
                .filter(|c| c.is_active)
                .map(|c| c.id);
            match found {
                Some(r) if r == user.id => {
                    return Err(ApiError::invalid(
                        "reviewer",
                        "Ask someone else: a course is not reviewed by the one who submits it.",
                    )
                    .into())
                }
                Some(r) => Some(r),
                None => {
                    return Err(
                        ApiError::invalid("reviewer", "Nobody on the team signs in with that email.").into(),
                    )
                }
            }
        }
    };
    if !db::submit(&state.pool, &m.course_id, user.id, reviewer).await? {
        return Err(ApiError::Conflict(
            "This course is already in review or approved; edit it to start a new draft.".into(),
        )
        .into());
    }
    review(state, id).await
}

/// Approves the course's newest finished version, or sends it back to draft
/// with `note`; not by whoever submitted it, and by the person asked when
/// someone was.
pub async fn decide(
    state: &AppState,
    user: &CurrentUser,
    id: &JobId,
    approve: bool,
    note: Option<&str>,
) -> Result<Review> {
    let m = course_of(state, id).await?;
    let stored = db::get(&state.pool, &m.course_id).await?;
    let Some(stored) = stored.filter(|s| s.review.state == "in_review") else {
        return Err(ApiError::Conflict("This course is not in review.".into()).into());
    };
    if stored.submitted_by_id == Some(user.id) {
        return Err(ApiError::Conflict(
            "Someone other than the person who submitted it reviews a course.".into(),
        )
        .into());
    }
    if stored.reviewer_id.is_some_and(|r| r != user.id) && !user.is_admin {
        return Err(ApiError::Forbidden.into());
    }
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > MAX_COMMENT_CHARS) {
        return Err(ApiError::invalid("note", format!("At most {MAX_COMMENT_CHARS} characters.")).into());
    }
    let approved =
        match approve {
            false => None,
            true => Some(store::current(&state.pool, &m.course_id).await?.ok_or_else(|| {
                ApiError::Conflict("The course has no finished version to approve.".into())
            })?),
        };
    if !db::decide(
        &state.pool,
        &m.course_id,
        user.id,
        approved.as_ref().map(JobId::as_str),
        note,
    )
    .await?
    {
        return Err(ApiError::Conflict("This course is not in review.".into()).into());
    }
    tracing::info!(course = %m.course_id, approve, "course reviewed");
    review(state, id).await
}

/// The course's comment threads, oldest first, each with its replies.
pub async fn comments(state: &AppState, id: &JobId) -> Result<Vec<Comment>> {
    let m = course_of(state, id).await?;
    let rows = db::comments(&state.pool, &m.course_id).await?;
    let mut threads: Vec<Comment> = Vec::new();
    let mut replies: Vec<(i64, Comment)> = Vec::new();
    for r in rows {
        let c = Comment {
            id: r.id,
            slide_id: r.slide_id,
            version: r.version,
            author: r.author.unwrap_or_else(|| "A former member".into()),
            body: r.body,
            created_at: r.created_at,
            resolved: r.resolved_at.is_some(),
            resolved_by: r.resolved_by,
            replies: Vec::new(),
        };
        match r.parent_id {
            None => threads.push(c),
            Some(p) => replies.push((p, c)),
        }
    }
    for (parent, reply) in replies {
        if let Some(t) = threads.iter_mut().find(|t| t.id == parent) {
            t.replies.push(reply);
        }
    }
    Ok(threads)
}

/// Adds a comment on content slide `slide` of version `id`, or a reply to
/// thread `parent`; its id.
pub async fn comment(
    state: &AppState,
    user: &CurrentUser,
    id: &JobId,
    slide: &str,
    parent: Option<i64>,
    body: &str,
) -> Result<i64> {
    let m = course_of(state, id).await?;
    let body = body.trim();
    let n = body.chars().count();
    if n == 0 {
        return Err(ApiError::invalid("body", "Write the comment first.").into());
    }
    if n > MAX_COMMENT_CHARS {
        return Err(
            ApiError::invalid("body", format!("{n} characters; at most {MAX_COMMENT_CHARS}.")).into(),
        );
    }
    let slide = match parent {
        Some(p) => match db::thread(&state.pool, p).await? {
            Some((course, slide)) if course == m.course_id => slide,
            _ => return Err(ApiError::NotFound.into()),
        },
        None => {
            // A slide of this version's content (or of the working copy).
            let known = match store::content(&state.pool, id).await? {
                Some((json, _)) => serde_json::from_str::<course::document::Content>(&json)
                    .is_ok_and(|c| c.slides.iter().any(|s| s.id == slide)),
                None => false,
            };
            if !known {
                return Err(ApiError::invalid("slide", "There is no such slide in this version.").into());
            }
            slide.to_owned()
        }
    };
    let new = db::NewComment {
        course_id: &m.course_id,
        slide_id: &slide,
        job_id: id.as_str(),
        version: m.version,
        parent_id: parent,
        user_id: user.id,
        body,
    };
    db::add_comment(&state.pool, &new, MAX_COMMENTS_PER_COURSE)
        .await?
        .ok_or_else(|| {
            ApiError::Conflict(format!(
                "This course has {MAX_COMMENTS_PER_COURSE} comments, as many as it can hold; resolve and discuss in fewer."
            ))
            .into()
        })
}

/// Resolves (or reopens) a thread of the course of version `id`.
pub async fn resolve(
    state: &AppState,
    user: &CurrentUser,
    id: &JobId,
    thread: i64,
    resolved: bool,
) -> Result<()> {
    let m = course_of(state, id).await?;
    match db::thread(&state.pool, thread).await? {
        Some((course, _)) if course == m.course_id => {}
        _ => return Err(ApiError::NotFound.into()),
    }
    db::resolve(&state.pool, thread, resolved.then_some(user.id)).await?;
    Ok(())
}

/// The dashboard's lists: courses waiting for the caller's review, and open
/// comments by others on the caller's courses.
pub async fn inbox(state: &AppState, user: &CurrentUser) -> Result<ReviewInbox> {
    Ok(ReviewInbox {
        waiting_for_me: db::waiting_for(&state.pool, user.id, INBOX_ROWS).await?,
        comments_on_mine: db::comments_for_owner(&state.pool, user.id, INBOX_ROWS).await?,
    })
}
