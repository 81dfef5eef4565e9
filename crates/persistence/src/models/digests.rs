//! Read-only aggregates behind the daily digests. Counts only: a digest
//! e-mail carries how many, never who.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use diesel::prelude::*;
use relais_domain::beneficiary::DocumentType;
use relais_domain::case_file::CaseStatus;
use relais_domain::{BeneficiaryId, Language, MembershipStatus, UserId};

use crate::schema::{beneficiaries, case_assignments, cases, identity_documents, memberships, users};
use crate::stored::{Stored, StoredOpt};
use crate::{DbConnection, PersistenceError, TenantScope};

/// The statuses of the cases whose people a caseworker follows.
const FOLLOWED: [CaseStatus; 2] = [CaseStatus::Open, CaseStatus::OnHold];

/// How many residence cards expire soon among the people one member follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiringForMember {
    /// The member (an assigned caseworker or administrator).
    pub user_id: UserId,
    /// Their sign-in e-mail (the digest's recipient).
    pub email: String,
    /// Their preferred language, if chosen.
    pub preferred_language: Option<Language>,
    /// Residence cards expiring in the window.
    pub count: i64,
}

/// For each active member of the scope's tenant who is assigned to an open
/// or on-hold case, the number of distinct residence cards of those cases'
/// people expiring between `from` and `to` (inclusive). Members with none
/// are not listed.
pub fn residence_cards_expiring_by_assignee(
    conn: &mut DbConnection,
    scope: &TenantScope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ExpiringForMember>, PersistenceError> {
    let tenant = scope.key();
    // In two steps, each on its index, rather than one join whose order the
    // planner may turn around (walking every assignment of the tenant and
    // scanning the expiring cards for each): the cards expiring in the
    // window first, then the open cases of those people with their workers.
    let cards: Vec<(String, String)> = identity_documents::table
        .filter(identity_documents::tenant_id.eq(&tenant))
        .filter(identity_documents::expires_on.ge(from))
        .filter(identity_documents::expires_on.le(to))
        .filter(identity_documents::doc_type.eq(DocumentType::ResidenceCard.as_str()))
        .select((identity_documents::beneficiary_id, identity_documents::id))
        .load(conn)?;
    let mut cards_of: HashMap<String, Vec<String>> = HashMap::new();
    for (person, card) in cards {
        cards_of.entry(person).or_default().push(card);
    }
    let people: Vec<&String> = cards_of.keys().collect();
    let mut per_user: BTreeMap<UserId, BTreeSet<&str>> = BTreeMap::new();
    for chunk in people.chunks(500) {
        let followed: Vec<(Stored<UserId>, String)> = cases::table
            .inner_join(
                case_assignments::table
                    .on(case_assignments::tenant_id.eq(cases::tenant_id).and(case_assignments::case_id.eq(cases::id))),
            )
            .filter(cases::tenant_id.eq(&tenant))
            .filter(cases::beneficiary_id.eq_any(chunk.iter().map(|p| p.as_str())))
            .filter(cases::status.eq_any(FOLLOWED.map(|s| s.as_str())))
            .select((case_assignments::user_id, cases::beneficiary_id))
            .load(conn)?;
        for (user, person) in followed {
            let set = per_user.entry(user.into()).or_default();
            for card in cards_of.get(&person).into_iter().flatten() {
                set.insert(card.as_str());
            }
        }
    }
    let rows: Vec<(UserId, i64)> =
        per_user.into_iter().map(|(user, cards)| (user, i64::try_from(cards.len()).unwrap_or(i64::MAX))).collect();
    let mut out = Vec::with_capacity(rows.len());
    for (user_id, count) in rows.into_iter().filter(|(_, c)| *c > 0) {
        let member: Option<(String, StoredOpt<Language>)> = users::table
            .inner_join(memberships::table)
            .filter(users::id.eq(user_id.to_string()))
            .filter(users::active.eq(true))
            .filter(memberships::tenant_id.eq(&tenant))
            .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
            .select((users::email, users::preferred_language))
            .first(conn)
            .optional()?;
        if let Some((email, preferred_language)) = member {
            out.push(ExpiringForMember { user_id, email, preferred_language: preferred_language.into(), count });
        }
    }
    Ok(out)
}

/// A residence card expiring soon, of a person whose case is assigned to a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiringCard {
    /// The person.
    pub beneficiary_id: BeneficiaryId,
    /// Given names.
    pub given_names: String,
    /// Family names.
    pub family_names: String,
    /// Expiry date.
    pub expires_on: NaiveDate,
}

/// The residence cards expiring between `from` and `to` of the people whose
/// open or on-hold cases are assigned to `user_id`, soonest first.
pub fn residence_cards_expiring_for_member(
    conn: &mut DbConnection,
    scope: &TenantScope,
    user_id: UserId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ExpiringCard>, PersistenceError> {
    let tenant = scope.key();
    let rows: Vec<(Stored<BeneficiaryId>, String, String, Option<NaiveDate>)> = identity_documents::table
        .inner_join(
            cases::table.on(cases::tenant_id
                .eq(identity_documents::tenant_id)
                .and(cases::beneficiary_id.eq(identity_documents::beneficiary_id))),
        )
        .inner_join(
            case_assignments::table
                .on(case_assignments::tenant_id.eq(cases::tenant_id).and(case_assignments::case_id.eq(cases::id))),
        )
        .inner_join(
            beneficiaries::table.on(beneficiaries::tenant_id
                .eq(identity_documents::tenant_id)
                .and(beneficiaries::id.eq(identity_documents::beneficiary_id))),
        )
        .filter(identity_documents::tenant_id.eq(&tenant))
        .filter(case_assignments::user_id.eq(user_id.to_string()))
        .filter(identity_documents::doc_type.eq(DocumentType::ResidenceCard.as_str()))
        .filter(identity_documents::expires_on.ge(from))
        .filter(identity_documents::expires_on.le(to))
        .filter(cases::status.eq_any(FOLLOWED.map(|s| s.as_str())))
        .filter(beneficiaries::erased_at.is_null())
        .select((
            beneficiaries::id,
            beneficiaries::given_names,
            beneficiaries::family_names,
            identity_documents::expires_on,
        ))
        .distinct()
        .order(identity_documents::expires_on.asc())
        .limit(200)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(beneficiary_id, given_names, family_names, expires_on)| {
            Some(ExpiringCard {
                beneficiary_id: beneficiary_id.into(),
                given_names,
                family_names,
                expires_on: expires_on?,
            })
        })
        .collect())
}
