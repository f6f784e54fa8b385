//! One file per table. Plain models; the queries live in the feature modules (`grid`, `account`, `audit`).

pub mod api_token;
pub mod audit_log;
pub mod building;
pub mod community;
pub mod courtyard;
pub mod event;
pub mod event_checkin;
pub mod event_signup;
pub mod help_pair;
pub mod household;
pub mod login_failure;
pub mod media;
pub mod notification;
pub mod project;
pub mod resident;
pub mod resident_tag;
pub mod role_grant;
pub mod service_record;
pub mod session;
pub mod user;
pub mod wish;
pub mod wish_claim;
pub mod wish_update;
