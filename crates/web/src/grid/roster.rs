//! The roster page: upload a spreadsheet of residents (all-or-nothing, every bad row reported) and download the
//! roster as `.xlsx`. Both are for staff of the community and both are audited.

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use weizhili_core::access::{Action, Place};
use weizhili_core::roster::{ProblemKind, RosterError, RowProblem};
use weizhili_store::roster::{self, FileKind, ImportBy, ImportError};
use weizhili_store::{audit, grid};

use crate::auth::CurrentUser;
use crate::i18n::Lang;
use crate::page::{PageCtx, render};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/roster", get(page).post(upload)).route("/roster/export.xlsx", get(export))
}

#[derive(Template)]
#[template(path = "grid/roster.html")]
struct RosterPage {
    c: PageCtx,
    community: String,
    problems: Vec<String>,
    error: Option<String>,
    done: Option<String>,
}

fn staff_community(user: &CurrentUser, action: Action) -> Result<i64, AppError> {
    let cid = user.community_id().ok_or(AppError::Forbidden)?;
    user.require(action, &Place::community(cid))?;
    Ok(cid)
}

async fn page(State(state): State<AppState>, c: PageCtx, user: CurrentUser) -> Result<Response, AppError> {
    let cid = staff_community(&user, Action::ImportRoster)?;
    let community = grid::community(&state.db, cid).await?.map(|c| c.name).unwrap_or_default();
    Ok(render(&RosterPage { c, community, problems: vec![], error: None, done: None }))
}

/// The message for one bad row, in the reader's language.
pub fn problem_message(lang: Lang, p: &RowProblem) -> String {
    let value = match &p.kind {
        ProblemKind::DuplicatePerson { first_row } => first_row.to_string(),
        other => other.value().unwrap_or_default(),
    };
    let reason = lang.ta(&format!("roster-{}", p.kind.code().replace('_', "-")), &[("value", value)]);
    lang.ta("roster-row", &[("row", p.row_no.to_string()), ("reason", reason)])
}

/// The messages for a failed import: what is wrong with the file, or every bad row.
pub fn import_messages(lang: Lang, err: &ImportError) -> (Option<String>, Vec<String>) {
    match err {
        ImportError::TooLarge { .. } => (Some(lang.t("roster-too-large")), vec![]),
        ImportError::Unreadable(_) => (Some(lang.t("roster-unreadable")), vec![]),
        ImportError::Rejected(RosterError::NoHeader) => (Some(lang.t("roster-no-header")), vec![]),
        ImportError::Rejected(RosterError::TooManyRows { max }) => {
            (Some(lang.ta("roster-too-many-rows", &[("max", max.to_string())])), vec![])
        }
        ImportError::Rejected(RosterError::Problems(problems)) => (
            Some(lang.ta("roster-rejected", &[("count", problems.len().to_string())])),
            problems.iter().map(|p| problem_message(lang, p)).collect(),
        ),
        ImportError::Changed { row_no, .. } => {
            (Some(lang.ta("roster-changed", &[("row", row_no.to_string())])), vec![])
        }
        ImportError::Store(_) => (Some(lang.t("error-internal")), vec![]),
    }
}

async fn upload(
    State(state): State<AppState>,
    c: PageCtx,
    user: CurrentUser,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let cid = staff_community(&user, Action::ImportRoster)?;
    let community = grid::community(&state.db, cid).await?.map(|c| c.name).unwrap_or_default();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("").to_owned();
            let bytes = field.bytes().await.map_err(|_| AppError::invalid("too_large"))?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let refuse = |c: PageCtx, status: StatusCode, error: String, problems: Vec<String>| {
        let mut response =
            render(&RosterPage { c, community: community.clone(), problems, error: Some(error), done: None });
        *response.status_mut() = status;
        response
    };
    let fail =
        |c: PageCtx, error: String, problems: Vec<String>| refuse(c, StatusCode::UNPROCESSABLE_ENTITY, error, problems);
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Ok(fail(c.clone(), c.t("roster-no-file"), vec![]));
    };
    let Some(kind) = FileKind::from_name(&name) else {
        return Ok(fail(c.clone(), c.t("roster-wrong-type"), vec![]));
    };
    let cells = match roster::read_cells(&bytes, kind) {
        Ok(cells) => cells,
        Err(e) => {
            let (error, problems) = import_messages(c.lang, &e);
            return Ok(fail(c, error.unwrap_or_default(), problems));
        }
    };
    let by = ImportBy { user_id: Some(user.user.id), login: user.user.login.clone(), ip: Some(user.ip.clone()) };
    match roster::import_residents(&state.db, cid, &cells, state.clock.this_year(), by, state.clock.now(), |_, _| {})
        .await
    {
        Ok(done) => {
            let message = c.lang.ta(
                "roster-imported",
                &[("residents", done.residents.to_string()), ("households", done.new_households.to_string())],
            );
            Ok(render(&RosterPage { c, community, problems: vec![], error: None, done: Some(message) }))
        }
        Err(ImportError::Store(e)) => Err(e.into()),
        Err(e @ ImportError::Changed { .. }) => {
            let (error, _) = import_messages(c.lang, &e);
            Ok(refuse(c, StatusCode::CONFLICT, error.unwrap_or_default(), vec![]))
        }
        Err(e) => {
            let (error, problems) = import_messages(c.lang, &e);
            Ok(fail(c, error.unwrap_or_default(), problems))
        }
    }
}

async fn export(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    let cid = staff_community(&user, Action::ExportRoster)?;
    let bytes = roster::export_residents(&state.db, cid, state.clock.this_year()).await?;
    audit::record(&state.db, state.clock.now(), user.audit("roster.export").detail(format!("bytes={}", bytes.len())))
        .await?;
    let filename = format!("roster-{}.xlsx", state.clock.now().format("%Y%m%d"));
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
