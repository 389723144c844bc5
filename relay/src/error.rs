//! The relay's two error tiers: [`ApiError`] is what a client sees (a status, a stable code and a
//! fixed sentence, never an id, a secret or a body); internal failures carry their context into
//! the log through [`ApiError::Internal`], whose text is not sent.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use scanpass_protocol::{ErrorBody, ErrorCode};

use crate::meta::MetaError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("no such share")]
    NotFound,
    #[error("the share was revoked, has expired or was downloaded the allowed number of times")]
    Gone,
    /// Locked after too many wrong passcodes, for `retry_after` more seconds (the owner can
    /// unlock it sooner).
    #[error("the share is locked after too many wrong passcodes; try again later")]
    Locked { retry_after: u64 },
    #[error("this needs the owner secret (Authorization: Bearer)")]
    OwnerAuthMissing,
    #[error("the owner secret is wrong")]
    OwnerAuthWrong,
    #[error("this share needs a passcode token (X-Scanpass-Token)")]
    TokenMissing,
    /// `attempts_left` only for a passcode share (the others never lock).
    #[error("the passcode token is wrong")]
    TokenWrong { attempts_left: Option<u32> },
    #[error("the share has no recipient verifier: the sender must set it before finalizing")]
    NoVerifier,
    #[error("the relay is busy; retry in a moment")]
    Busy,
    #[error("the relay's storage is full")]
    StorageFull,
    #[error("the share is not finalized yet")]
    NotFinalized,
    #[error("the share is finalized and this differs from what is stored")]
    Finalized,
    #[error("{0}")]
    Incomplete(String),
    #[error("the body is larger than the relay accepts ({0} bytes at most)")]
    TooLarge(u64),
    #[error("the share's size quota would be exceeded")]
    Quota,
    #[error("{0}")]
    BadRequest(String),
    #[error("too many failed requests; wait and retry")]
    RateLimited,
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.code().status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    pub fn code(&self) -> ErrorCode {
        use ApiError::*;
        match self {
            NotFound => ErrorCode::NotFound,
            Gone => ErrorCode::Gone,
            Locked { .. } => ErrorCode::Locked,
            OwnerAuthMissing => ErrorCode::OwnerAuthMissing,
            OwnerAuthWrong => ErrorCode::OwnerAuthWrong,
            TokenMissing => ErrorCode::TokenMissing,
            TokenWrong { .. } => ErrorCode::TokenWrong,
            NoVerifier => ErrorCode::NoVerifier,
            Busy => ErrorCode::Busy,
            StorageFull => ErrorCode::StorageFull,
            NotFinalized => ErrorCode::NotFinalized,
            Finalized => ErrorCode::Finalized,
            Incomplete(_) => ErrorCode::Incomplete,
            TooLarge(_) => ErrorCode::TooLarge,
            Quota => ErrorCode::QuotaExceeded,
            BadRequest(_) => ErrorCode::BadRequest,
            RateLimited => ErrorCode::RateLimited,
            Internal(_) => ErrorCode::Internal,
        }
    }
}

impl From<MetaError> for ApiError {
    fn from(e: MetaError) -> Self {
        match e {
            MetaError::Quota => ApiError::Quota,
            MetaError::Finalized => ApiError::Finalized,
            MetaError::Missing => ApiError::NotFound,
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<object_store::Error> for ApiError {
    fn from(e: object_store::Error) -> Self {
        // object_store's messages name paths, which hold share ids: keep only the kind.
        let kind = match e {
            object_store::Error::NotFound { .. } => "object not found",
            object_store::Error::AlreadyExists { .. } => "object already exists",
            _ => "object store failure",
        };
        ApiError::Internal(kind.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self {
            tracing::error!(detail = %detail, "internal error");
        }
        let mut body = ErrorBody {
            attempts_left: None,
            error: self.code().as_str().to_string(),
            message: self.to_string(),
            retry_after: None,
        };
        let mut retry_after = None;
        match &self {
            ApiError::TokenWrong {
                attempts_left: Some(n),
            } => body.attempts_left = Some(*n),
            ApiError::Locked { retry_after: secs } => {
                body.retry_after = Some(*secs);
                retry_after = Some(*secs);
            }
            ApiError::Busy => retry_after = Some(1),
            _ => {}
        }
        let mut resp = (self.status(), Json(body)).into_response();
        if let Some(secs) = retry_after {
            resp.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        resp
    }
}
