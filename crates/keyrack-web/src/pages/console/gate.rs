//! The check a console page makes before showing a form its admin could not send: the use
//! case refuses the post anyway, but a page that offers nothing usable should say so at once.

use axum::response::Response;
use keyrack_app::AppError;

use super::shell::Admin;
use crate::pages::context::{PageRequest, error_page};

/// The calm 403 page unless the admin holds the permission.
pub fn require(r: &PageRequest, admin: &Admin, permission: &str) -> Result<(), Box<Response>> {
    if admin.may(permission) {
        return Ok(());
    }
    let refused =
        AppError::Forbidden { code: "permission_missing", message: format!("this needs the permission '{permission}'") };
    Err(Box::new(error_page(r, refused)))
}
