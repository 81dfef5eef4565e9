//! `identity_documents` (being written).
