# E-mails in French (the default language). Read by caseworkers, service focal
# points and partner staff. No personal data: a link and a short reference,
# never a name, a phone number or a document number.

email-app-name = Relais
email-greeting = Bonjour,
email-footer = Ce message a été envoyé automatiquement par Relais, la plateforme d'orientation partagée par les partenaires du réseau. Merci de ne pas y répondre.
email-link-fallback = Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur :

## Roles, as named in an invitation ("Votre rôle : …"). Same words as the
## interface (web.ftl, role-*), so that people recognise their role there.

email-role-tenant-admin = Administrateur·rice de l'organisation
email-role-caseworker = Conseiller·ère
email-role-volunteer = Bénévole
email-role-viewer = Suivi-évaluation (lecture)

## Invitation to join a tenant. $tenant: the organisation's name; $role: a role above.

email-invitation-subject = Invitation à rejoindre « { $tenant } » sur Relais
email-invitation-intro = L'organisation « { $tenant } » vous invite à rejoindre son espace sur Relais, la plateforme de suivi et d'orientation partagée par les partenaires du réseau. Votre rôle : { $role }.
email-invitation-action = Pour accepter l'invitation, ouvrez le lien ci-dessous. Il est valable { $hours ->
        [one] { $hours } heure
       *[other] { $hours } heures
    }.
email-invitation-button = Accepter l'invitation
email-invitation-unexpected = Si vous n'attendiez pas cette invitation, vous pouvez ignorer ce message : sans action de votre part, aucun accès ne sera ouvert.

## Password reset.

email-password-reset-subject = Réinitialisation de votre mot de passe Relais
email-password-reset-intro = Nous avons reçu une demande de réinitialisation du mot de passe de votre compte Relais.
email-password-reset-action = Pour choisir un nouveau mot de passe, ouvrez le lien ci-dessous. Il est valable { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }.
email-password-reset-button = Choisir un nouveau mot de passe
email-password-reset-unexpected = Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe actuel reste valable.
email-password-never-asked = Relais ne vous demandera jamais votre mot de passe, ni par e-mail ni par téléphone.

## Daily digest of identity documents expiring soon.
email-expiry-digest-subject = Relais : { $count ->
    [one] 1 titre de séjour expire bientôt
   *[other] { $count } titres de séjour expirent bientôt
}
email-expiry-digest-intro = { $count ->
    [one] Parmi les personnes que vous accompagnez, 1 titre de séjour expire dans les { $days } prochains jours.
   *[other] Parmi les personnes que vous accompagnez, { $count } titres de séjour expirent dans les { $days } prochains jours.
}
email-expiry-digest-action = Connectez-vous à Relais pour voir la liste et préparer les renouvellements.
email-expiry-digest-button = Voir la liste
email-expiry-digest-why = Vous recevez ce résumé quotidien parce que des dossiers vous sont attribués.

## Referral notices: a reference and a service name, never a person.
email-referral-action = Ouvrez Relais pour voir la fiche d'orientation.
email-referral-button = Voir l'orientation
email-referral-privacy = Pour protéger la personne, ce message ne contient ni son nom ni ses coordonnées.
email-referral-received-subject = Nouvelle orientation { $reference }
email-referral-received-intro = Une nouvelle orientation ({ $reference }) vous a été adressée pour le service « { $service } ».
email-referral-accepted-subject = Orientation { $reference } acceptée
email-referral-accepted-intro = L'orientation { $reference } vers « { $service } » a été acceptée.
email-referral-declined-subject = Orientation { $reference } déclinée
email-referral-declined-intro = L'orientation { $reference } vers « { $service } » a été déclinée. Le motif est indiqué dans Relais.
email-referral-withdrawn-subject = Orientation { $reference } retirée
email-referral-withdrawn-intro = L'organisation qui vous avait adressé l'orientation { $reference } (« { $service } ») l'a retirée.
email-referral-expired-subject = Orientation { $reference } sans réponse
email-referral-expired-intro = L'orientation { $reference } vers « { $service } » n'a pas reçu de réponse dans le délai prévu et a expiré.
email-referral-started-subject = Orientation { $reference } : accompagnement commencé
email-referral-started-intro = L'accompagnement a commencé pour l'orientation { $reference } (« { $service } »).
email-referral-completed-subject = Orientation { $reference } terminée
email-referral-completed-intro = L'orientation { $reference } vers « { $service } » est terminée ; le résultat est indiqué dans Relais.
email-referral-not-completed-subject = Orientation { $reference } non aboutie
email-referral-not-completed-intro = L'orientation { $reference } vers « { $service } » n'a pas abouti ; le motif est indiqué dans Relais.
email-referral-revoked-subject = Orientation { $reference } révoquée
email-referral-revoked-intro = La personne a retiré son consentement : l'orientation { $reference } (« { $service } ») est révoquée et sa fiche n'est plus accessible.
email-referral-reminder-subject = Rappel : orientation { $reference } en attente
email-referral-reminder-intro = L'orientation { $reference } pour « { $service } » attend toujours votre réponse.
email-referral-escalation-subject = Orientation { $reference } en retard
email-referral-escalation-intro = L'orientation { $reference } pour « { $service } » n'a pas reçu de réponse dans le délai prévu. Merci de vérifier qu'elle est prise en charge.
email-referral-comment-subject = Nouveau commentaire sur l'orientation { $reference }
email-referral-comment-intro = Un commentaire a été ajouté à l'orientation { $reference } (« { $service } »).
email-referral-digest-subject = Relais : { $count ->
    [one] 1 nouvelle mise à jour de vos orientations
   *[other] { $count } nouvelles mises à jour de vos orientations
}
email-referral-digest-intro = { $count ->
    [one] Depuis hier, 1 orientation qui vous concerne a changé.
   *[other] Depuis hier, { $count } changements ont eu lieu sur les orientations qui vous concernent.
}
email-referral-digest-why = Vous recevez ce résumé quotidien parce que vous avez choisi un seul e-mail par jour pour les orientations.
