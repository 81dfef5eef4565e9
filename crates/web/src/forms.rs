//! Form input: every field arrives as text (so reading a form never fails on
//! what a person typed), is checked, and any problem is reported next to its
//! field, in the visitor's language, with the form filled in again.

use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::error::WebError;

pub use relais_app::FieldErrors;

/// An `application/x-www-form-urlencoded` body read into `T`; a body that
/// cannot be read is a 400 page, not axum's plain-text rejection.
pub struct FormData<T>(pub T);

impl<S, T> FromRequest<S> for FormData<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = WebError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Form::<T>::from_request(request, state)
            .await
            .map(|axum::Form(value)| FormData(value))
            .map_err(|rejection| WebError::BadRequest(rejection.body_text()))
    }
}

/// A local path to go back to after a form, or `/home`: never another site.
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => path.to_owned(),
        _ => "/home".to_owned(),
    }
}

/// Trims a text field and checks its length in characters.
pub fn text(errors: &mut FieldErrors, field: &'static str, value: &str, max_chars: usize, required: bool) -> String {
    errors.text(field, value, max_chars, required)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path(Some("/members")), "/members");
        assert_eq!(local_path(Some("//evil.example")), "/home");
        assert_eq!(local_path(Some("https://evil.example")), "/home");
        assert_eq!(local_path(None), "/home");
    }
}
