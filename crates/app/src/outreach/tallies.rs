//! Anonymous head-counts: a tally sheet counts people by sex × age band
//! (optionally by nationality) where names are not taken.

use relais_domain::outreach::{self, TallyCell, TallyError};
use relais_domain::{AuditAction, EventId, Permission, TallyId};
use relais_persistence::models::events::tallies;
use serde_json::json;

use super::{open_event, optional, text};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::{Actor, App};

/// A tally sheet, as asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTally {
    /// The event (one the actor's tenant organises, taking tallies today).
    pub event: EventId,
    /// Where or when within the event (`label`, optional).
    pub label: String,
    /// The cells (`cells`): counts from 0 to 100,000, no cell twice, not all zero.
    pub cells: Vec<TallyCell>,
}

impl NewTally {
    /// The problems of the input, by field; a cell's problem is on `cells`.
    pub fn check(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        text(&mut errors, "label", &self.label, outreach::TALLY_LABEL_MAX, false);
        if let Err(err) = outreach::check_tally(&self.cells) {
            errors.add("cells", tally_error_key(err));
        }
        errors
    }
}

fn tally_error_key(err: TallyError) -> &'static str {
    match err {
        TallyError::Empty => "event-error-tally-empty",
        TallyError::TooManyCells => "error-too-long",
        TallyError::CountOutOfRange(_) => "event-error-tally-count",
        TallyError::RepeatedCell(_) => "event-error-tally-repeated",
        TallyError::UnknownNationality(_) => "ben-error-country",
    }
}

/// Records a tally sheet of the actor's tenant at an event it organises;
/// an event that has not started or was cancelled is
/// [`relais_domain::Conflict::EventRefused`]. Audited `tally.recorded`
/// with the sheet's id, its number of cells and its total.
pub async fn record_tally(app: &App, actor: &Actor, new: NewTally) -> AppResult<TallyId> {
    let member = actor.as_member()?;
    member.require(Permission::EventRecord)?;
    let scope = member.scope;
    new.check().into_result()?;
    let cells = outreach::check_tally(&new.cells).map_err(|e| FieldErrors::one("cells", tally_error_key(e)))?;
    let label = optional(new.label.trim().to_owned());
    app.write(actor, move |tx| {
        let today = tx.today();
        let event = open_event(tx.conn(), &scope, new.event, today)?;
        let (by, at) = (tx.actor().user_id(), tx.at());
        let tally = tallies::record(tx.conn(), &scope, &event, label.as_deref(), &cells, by, at)?;
        tx.audit(
            Some(&scope),
            AuditAction::TallyRecorded,
            event.id,
            json!({ "tally_id": tally.id, "cells": tally.cells.len(), "total": tally.total() }),
        )?;
        Ok::<_, AppError>(tally.id)
    })
    .await
}
