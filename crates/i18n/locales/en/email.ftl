# E-mails in English. Read by caseworkers, service focal points and partner
# staff. No personal data: a link and a short reference, never a name, a phone
# number or a document number.

email-app-name = Relais
email-greeting = Hello,
email-footer = This message was sent automatically by Relais, the referral platform shared by the partners of the network. Please do not reply to it.
email-link-fallback = If the button does not work, copy this link into your browser:

## Roles, as named in an invitation ("Your role: …"). Same words as the
## interface (web.ftl, role-*), so that people recognise their role there.

email-role-tenant-admin = Organisation administrator
email-role-caseworker = Caseworker
email-role-volunteer = Volunteer
email-role-viewer = Monitoring and evaluation (read only)

## Invitation to join a tenant. $tenant: the organisation's name; $role: a role above.

email-invitation-subject = Invitation to join { $tenant } on Relais
email-invitation-intro = { $tenant } invites you to join its workspace on Relais, the case-management and referral platform shared by the partners of the network. Your role: { $role }.
email-invitation-action = To accept the invitation, open the link below. It is valid for { $hours ->
        [one] { $hours } hour
       *[other] { $hours } hours
    }.
email-invitation-button = Accept the invitation
email-invitation-unexpected = If you were not expecting this invitation, you can ignore this message: nothing is set up unless you accept it.

## Password reset.

email-password-reset-subject = Reset your Relais password
email-password-reset-intro = We received a request to reset the password of your Relais account.
email-password-reset-action = To choose a new password, open the link below. It is valid for { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }.
email-password-reset-button = Choose a new password
email-password-reset-unexpected = If you did not make this request, ignore this message: your current password remains valid.
email-password-never-asked = Relais will never ask you for your password, by e-mail or by phone.

## Daily digest of identity documents expiring soon.
email-expiry-digest-subject = Relais: { $count ->
    [one] 1 residence card expires soon
   *[other] { $count } residence cards expire soon
}
email-expiry-digest-intro = { $count ->
    [one] Among the people you support, 1 residence card expires within the next { $days } days.
   *[other] Among the people you support, { $count } residence cards expire within the next { $days } days.
}
email-expiry-digest-action = Sign in to Relais to see the list and prepare the renewals.
email-expiry-digest-button = See the list
email-expiry-digest-why = You receive this daily summary because case files are assigned to you.

## Referral notices: a reference and a service name, never a person.
email-referral-action = Open Relais to see the referral.
email-referral-button = See the referral
email-referral-privacy = To protect the person, this message contains neither their name nor their contact details.
email-referral-received-subject = New referral { $reference }
email-referral-received-intro = A new referral ({ $reference }) has been sent to you for the service "{ $service }".
email-referral-accepted-subject = Referral { $reference } accepted
email-referral-accepted-intro = Referral { $reference } to "{ $service }" has been accepted.
email-referral-declined-subject = Referral { $reference } declined
email-referral-declined-intro = Referral { $reference } to "{ $service }" has been declined. The reason is in Relais.
email-referral-withdrawn-subject = Referral { $reference } withdrawn
email-referral-withdrawn-intro = The organisation that sent you referral { $reference } ("{ $service }") has withdrawn it.
email-referral-expired-subject = Referral { $reference } unanswered
email-referral-expired-intro = Referral { $reference } to "{ $service }" was not answered in time and has expired.
email-referral-started-subject = Referral { $reference }: support started
email-referral-started-intro = Support has started for referral { $reference } ("{ $service }").
email-referral-completed-subject = Referral { $reference } completed
email-referral-completed-intro = Referral { $reference } to "{ $service }" is completed; the outcome is in Relais.
email-referral-not-completed-subject = Referral { $reference } not completed
email-referral-not-completed-intro = Referral { $reference } to "{ $service }" ended without the service; the reason is in Relais.
email-referral-revoked-subject = Referral { $reference } revoked
email-referral-revoked-intro = The person withdrew their consent: referral { $reference } ("{ $service }") is revoked and its details are no longer available.
email-referral-reminder-subject = Reminder: referral { $reference } is waiting
email-referral-reminder-intro = Referral { $reference } for "{ $service }" is still waiting for your answer.
email-referral-escalation-subject = Referral { $reference } is overdue
email-referral-escalation-intro = Referral { $reference } for "{ $service }" was not answered in time. Please check that someone takes it in hand.
email-referral-comment-subject = New comment on referral { $reference }
email-referral-comment-intro = A comment was added to referral { $reference } ("{ $service }").
email-referral-digest-subject = Relais: { $count ->
    [one] 1 new update on your referrals
   *[other] { $count } new updates on your referrals
}
email-referral-digest-intro = { $count ->
    [one] Since yesterday, 1 referral that concerns you has changed.
   *[other] Since yesterday, { $count } changes happened on the referrals that concern you.
}
email-referral-digest-why = You receive this daily summary because you chose one e-mail a day for referrals.
