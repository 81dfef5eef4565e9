//! The diesel schema, written once for both backends with portable types
//! only (text ids, `Timestamp` in UTC, booleans, integers, JSON as text).
//! Keep it in step with `migrations/sqlite` and `migrations/postgres`;
//! `tests/schema_rs.rs` compares it with the live schema of both backends.
#![expect(missing_docs, reason = "generated-style table declarations")]

diesel::table! {
    tenants (id) {
        id -> Text,
        name -> Text,
        kind -> Text,
        region -> Text,
        default_language -> Text,
        contact_email -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        display_name -> Text,
        password_hash -> Nullable<Text>,
        preferred_language -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        referral_emails -> Text,
    }
}

diesel::table! {
    memberships (tenant_id, id) {
        tenant_id -> Text,
        id -> Text,
        user_id -> Text,
        role -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    casbin_rule (id) {
        id -> Text,
        ptype -> Text,
        v0 -> Text,
        v1 -> Text,
        v2 -> Text,
        v3 -> Text,
        v4 -> Text,
        v5 -> Text,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        tenant_id -> Nullable<Text>,
        actor_user_id -> Nullable<Text>,
        action -> Text,
        target_type -> Text,
        target_id -> Nullable<Text>,
        details -> Text,
        request_id -> Nullable<Text>,
        occurred_at -> Timestamp,
        actor_kind -> Nullable<Text>,
    }
}

diesel::table! {
    email_outbox (id) {
        id -> Text,
        tenant_id -> Nullable<Text>,
        idempotency_key -> Text,
        message_id -> Text,
        recipient -> Text,
        language -> Text,
        template -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        active_tenant_id -> Nullable<Text>,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    account_tokens (id) {
        id -> Text,
        purpose -> Text,
        user_id -> Text,
        tenant_id -> Nullable<Text>,
        role -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_throttle (key) {
        key -> Text,
        failures -> Integer,
        window_started_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    authz_version (singleton) {
        singleton -> Integer,
        version -> BigInt,
    }
}

diesel::table! {
    beneficiaries (tenant_id, id) {
        tenant_id -> Text,
        id -> Text,
        given_names -> Text,
        family_names -> Text,
        arabic_name -> Nullable<Text>,
        name_key -> Text,
        sex -> Text,
        birth_date -> Nullable<Date>,
        birth_year -> Nullable<Integer>,
        nationalities -> Text,
        languages -> Text,
        phone -> Nullable<Text>,
        whatsapp -> Nullable<Text>,
        email -> Nullable<Text>,
        city -> Nullable<Text>,
        region -> Nullable<Text>,
        household_size_morocco -> Nullable<Integer>,
        household_size_origin -> Nullable<Integer>,
        education_level -> Nullable<Text>,
        previous_occupation -> Nullable<Text>,
        skills -> Nullable<Text>,
        regularisation_year -> Nullable<Integer>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
        erased_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    identity_documents (tenant_id, id) {
        tenant_id -> Text,
        id -> Text,
        beneficiary_id -> Text,
        doc_type -> Text,
        number -> Text,
        number_key -> Text,
        issued_on -> Nullable<Date>,
        expires_on -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    consents (tenant_id, id) {
        tenant_id -> Text,
        id -> Text,
        beneficiary_id -> Text,
        purpose -> Text,
        partner_tenant_id -> Nullable<Text>,
        service_ref -> Nullable<Text>,
        channel -> Text,
        language -> Text,
        given_on -> Date,
        expires_on -> Nullable<Date>,
        recorded_by -> Nullable<Text>,
        witness -> Nullable<Text>,
        withdrawn_on -> Nullable<Date>,
        withdrawn_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    cases (tenant_id, id) {
        tenant_id -> Text,
        id -> Text,
        beneficiary_id -> Text,
        reference -> Text,
        pathway -> Text,
        status -> Text,
        closed_reason -> Nullable<Text>,
        intake_date -> Date,
        referral_source -> Nullable<Text>,
        goals -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    case_assignments (tenant_id, case_id, user_id) {
        tenant_id -> Text,
        case_id -> Text,
        user_id -> Text,
    }
}

diesel::table! {
    case_notes (tenant_id, id) {
        tenant_id -> Text,
        id -> Text,
        case_id -> Text,
        author_id -> Nullable<Text>,
        visibility -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tasks (tenant_id, id) {
        tenant_id -> Text,
        id -> Text,
        case_id -> Text,
        title -> Text,
        due_on -> Nullable<Date>,
        assignee_id -> Nullable<Text>,
        done_at -> Nullable<Timestamp>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    case_events (tenant_id, id) {
        tenant_id -> Text,
        id -> Text,
        case_id -> Text,
        kind -> Text,
        details -> Text,
        actor_id -> Nullable<Text>,
        occurred_at -> Timestamp,
    }
}

diesel::table! {
    external_organisations (id) {
        id -> Text,
        name -> Text,
        kind -> Text,
        region -> Text,
        contact_email -> Text,
        website -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    services (id) {
        id -> Text,
        owner_tenant_id -> Nullable<Text>,
        owner_organisation_id -> Nullable<Text>,
        name_fr -> Text,
        name_ar -> Nullable<Text>,
        name_en -> Nullable<Text>,
        description_fr -> Text,
        description_ar -> Nullable<Text>,
        description_en -> Nullable<Text>,
        category -> Text,
        eligibility -> Nullable<Text>,
        languages -> Text,
        regions -> Text,
        cities -> Nullable<Text>,
        address -> Nullable<Text>,
        opening_hours -> Nullable<Text>,
        focal_point_email -> Text,
        response_days -> Integer,
        intake_open -> Bool,
        last_verified_on -> Nullable<Date>,
        search_key -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    referrals (id) {
        id -> Text,
        reference -> Text,
        sender_tenant_id -> Text,
        sender_case_id -> Text,
        sender_beneficiary_id -> Text,
        service_id -> Text,
        receiver_tenant_id -> Nullable<Text>,
        receiver_organisation_id -> Nullable<Text>,
        consent_id -> Nullable<Text>,
        consent_override_reason -> Nullable<Text>,
        status -> Text,
        packet -> Text,
        message -> Nullable<Text>,
        created_by -> Text,
        sent_by -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        due_at -> Nullable<Timestamp>,
        reminded_at -> Nullable<Timestamp>,
        escalated_at -> Nullable<Timestamp>,
        answered_at -> Nullable<Timestamp>,
        decline_reason -> Nullable<Text>,
        decline_text -> Nullable<Text>,
        outcome -> Nullable<Text>,
        not_completed_reason -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        receiver_beneficiary_id -> Nullable<Text>,
        receiver_case_id -> Nullable<Text>,
        external_token_hash -> Nullable<Text>,
        external_token_expires_at -> Nullable<Timestamp>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    referral_comments (id) {
        id -> Text,
        referral_id -> Text,
        side -> Text,
        author_id -> Nullable<Text>,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    referral_events (id) {
        id -> Text,
        referral_id -> Text,
        kind -> Text,
        from_status -> Nullable<Text>,
        to_status -> Nullable<Text>,
        side -> Text,
        actor_id -> Nullable<Text>,
        details -> Text,
        occurred_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        token_hash -> Text,
        tenant_id -> Text,
        user_id -> Text,
        name -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        revoked_by -> Nullable<Text>,
    }
}

diesel::table! {
    api_idempotency (token_id, idempotency_key) {
        token_id -> Text,
        idempotency_key -> Text,
        request_hash -> Text,
        status -> Integer,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    events (tenant_id, id) {
        tenant_id -> Text,
        id -> Text,
        title -> Text,
        kind -> Text,
        topics -> Text,
        audience -> Nullable<Text>,
        start_date -> Date,
        end_date -> Nullable<Date>,
        city -> Nullable<Text>,
        region -> Text,
        languages -> Text,
        notes -> Nullable<Text>,
        status -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    event_organisers (tenant_id, event_id, organiser_tenant_id) {
        tenant_id -> Text,
        event_id -> Text,
        organiser_tenant_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    event_co_organisers (tenant_id, event_id, organisation_id) {
        tenant_id -> Text,
        event_id -> Text,
        organisation_id -> Text,
    }
}

diesel::table! {
    event_facilitators (tenant_id, event_id, user_id) {
        tenant_id -> Text,
        event_id -> Text,
        user_id -> Text,
    }
}

diesel::table! {
    event_attendances (tenant_id, id) {
        tenant_id -> Text,
        id -> Text,
        event_tenant_id -> Text,
        event_id -> Text,
        beneficiary_id -> Text,
        status -> Text,
        interests -> Text,
        recorded_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    event_tallies (tenant_id, id) {
        tenant_id -> Text,
        id -> Text,
        event_tenant_id -> Text,
        event_id -> Text,
        label -> Nullable<Text>,
        recorded_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    event_tally_counts (tenant_id, tally_id, line) {
        tenant_id -> Text,
        tally_id -> Text,
        line -> Integer,
        sex -> Text,
        age_band -> Text,
        nationality -> Nullable<Text>,
        headcount -> Integer,
    }
}

diesel::table! {
    participants (tenant_id, id) {
        tenant_id -> Text,
        id -> Text,
        full_name -> Text,
        institution_tenant_id -> Nullable<Text>,
        institution_organisation_id -> Nullable<Text>,
        institution_name -> Nullable<Text>,
        job_title -> Nullable<Text>,
        sex -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    participant_attendances (tenant_id, event_id, participant_id) {
        tenant_id -> Text,
        event_tenant_id -> Text,
        event_id -> Text,
        participant_id -> Text,
        status -> Text,
        recorded_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(memberships -> tenants (tenant_id));
diesel::joinable!(memberships -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    api_idempotency,
    api_tokens,
    tenants,
    users,
    memberships,
    casbin_rule,
    audit_events,
    email_outbox,
    sessions,
    account_tokens,
    login_throttle,
    authz_version,
    beneficiaries,
    identity_documents,
    consents,
    cases,
    case_assignments,
    case_notes,
    tasks,
    case_events,
    external_organisations,
    services,
    referrals,
    referral_comments,
    referral_events,
    events,
    event_organisers,
    event_co_organisers,
    event_facilitators,
    event_attendances,
    event_tallies,
    event_tally_counts,
    participants,
    participant_attendances,
);
