# Keyrack's texts, French ("vous"). Resengo's words where it has them: identifiant for the
# username, filiale for a branch, « Mot de passe oublié ? », bloquer l'accès. Before ? ! : ;
# and inside « » the space is a no-break space (U+00A0), so a line never starts with them.

## Access states

state-none = Pas d'accès
state-granted = Oui (sans mot de passe)
state-invited = Oui (invitation envoyée)
state-active = Oui
state-reset_pending = Oui (réinitialisation envoyée)
state-reset_requested = Oui (réinitialisation demandée)
state-blocked = Oui (accès bloqué)

## Actions

action-grant = Accorder l'accès
action-invite = Envoyer l'invitation
action-resend-invitation = Renvoyer l'invitation
action-block = Bloquer l'accès
action-unblock = Débloquer l'accès
action-remove = Supprimer l'accès
action-reset = Réinitialiser le mot de passe
action-set-password = Définir le mot de passe
action-generate-password = Générer un mot de passe
action-change-password = Modifier le mot de passe
action-forgot = Mot de passe oublié ?

## Password refusals

password-required = Veuillez saisir un mot de passe.
password-too_short = Le mot de passe doit comporter au moins { $min } caractères.
password-too_long = Le mot de passe ne peut pas dépasser { $max } caractères.
password-needs_lowercase = Le mot de passe doit contenir au moins une lettre minuscule.
password-needs_uppercase = Le mot de passe doit contenir au moins une lettre majuscule.
password-needs_digit = Le mot de passe doit contenir au moins un chiffre.
password-needs_symbol = Le mot de passe doit contenir au moins un caractère spécial, par exemple ! ou #.
password-too_guessable = Ce mot de passe est trop facile à deviner. Choisissez-en un plus long, par exemple quelques mots sans rapport entre eux.
password-contains_username = Le mot de passe ne doit pas contenir l'identifiant.
password-contains_email = Le mot de passe ne doit pas contenir l'adresse e-mail.
password-ambiguous = Saisissez un mot de passe ou faites-en générer un, mais pas les deux.

## Other input refusals

field-required = Ce champ est obligatoire.
field-too_long = Ce champ ne peut pas dépasser { $max } caractères.
field-invalid_email = Cette adresse e-mail n'est pas valide.
field-invalid_choice = Veuillez choisir l'une des options proposées.
field-invalid_phone = Saisissez un numéro de téléphone de 5 à 20 chiffres.
field-taken = Cette valeur est déjà utilisée ; choisissez-en une autre.
field-invalid_slug = Utilisez de 2 à 63 lettres minuscules, chiffres et tirets, sans tiret au début ni à la fin.
field-invalid_username = Un identifiant ne peut pas contenir d'espaces.
field-invalid_characters = Ce champ contient des caractères non autorisés.
field-invalid_permission = Le nom d'une autorisation se compose de lettres minuscules, de chiffres, de points et de traits de soulignement.
field-invalid_role_name = Le nom d'un rôle se compose de 1 à 64 lettres minuscules, chiffres, tirets et traits de soulignement.
field-invalid_branches = Choisissez toutes les filiales ou une liste de filiales.
field-unknown_branch = Cette filiale n'existe pas (ou plus).
field-unknown_category = Cette catégorie d'e-mails n'existe pas.
field-unknown_permission = L'autorisation « { $permission } » n'existe pas.
field-unknown_role = Ce rôle n'existe pas.
field-name_required = Saisissez un prénom, un nom ou une adresse e-mail.
field-out_of_range = Cette valeur est en dehors de la plage autorisée.
field-cannot_grant = Vous ne pouvez pas accorder ceci : votre propre accès ne le comprend pas.

## Diagnosis

diagnosis-ok = Peut se connecter.
diagnosis-ok-with-last_login_on = Peut se connecter. Dernière connexion le { $last_login_on }.
diagnosis-no_access = Ne peut pas se connecter : cette personne n'a pas d'accès. Accordez d'abord l'accès.
diagnosis-blocked = Ne peut pas se connecter : l'accès est bloqué. Débloquez l'accès pour revenir à l'état précédent.
diagnosis-no_password = Ne peut pas se connecter : aucun mot de passe n'a encore été défini. Envoyez une invitation ou définissez un mot de passe.
diagnosis-invitation_pending = Ne peut pas encore se connecter : l'invitation est valable jusqu'au { $expires_on }, mais aucun mot de passe n'a encore été choisi.
diagnosis-invitation_pending-with-sent_on = Ne peut pas encore se connecter : l'invitation envoyée le { $sent_on } est valable jusqu'au { $expires_on }, mais aucun mot de passe n'a encore été choisi.
diagnosis-invitation_expired = Ne peut pas se connecter : l'invitation a expiré le { $expired_on }. Envoyez-en une nouvelle.
diagnosis-invitation_expired-with-sent_on = Ne peut pas se connecter : l'invitation envoyée le { $sent_on } a expiré le { $expired_on }. Envoyez-en une nouvelle.
diagnosis-invitation_missing = Ne peut pas se connecter : il n'y a pas de lien d'invitation valable. Envoyez une nouvelle invitation.
diagnosis-reset_pending = Ne peut pas se connecter : un administrateur a réinitialisé le mot de passe. La personne doit en choisir un nouveau avec le lien de réinitialisation, valable jusqu'au { $expires_on }.
diagnosis-reset_expired = Ne peut pas se connecter : le mot de passe a été réinitialisé et il n'y a pas de lien de réinitialisation valable. Réinitialisez de nouveau le mot de passe ou définissez-en un.
diagnosis-reset_expired-with-expired_on = Ne peut pas se connecter : le mot de passe a été réinitialisé et le lien de réinitialisation a expiré le { $expired_on }. Réinitialisez de nouveau le mot de passe ou définissez-en un.
diagnosis-reset_requested = La personne a demandé un nouveau mot de passe ; l'ancien reste valable jusqu'à ce qu'un nouveau soit choisi.
diagnosis-reset_requested-with-expires_on = La personne a demandé un nouveau mot de passe (le lien est valable jusqu'au { $expires_on }) ; l'ancien reste valable jusqu'à ce qu'un nouveau soit choisi.
diagnosis-module_off = Ne peut pas se connecter : le module pour ce type de personne est désactivé dans les paramètres.
diagnosis-locked =
    Ne peut pas se connecter pour le moment : après des tentatives échouées, la connexion reste verrouillée encore { $minutes ->
        [one] une minute
       *[other] { $minutes } minutes
    }. Le verrouillage se lève de lui-même.
diagnosis-must_change_password = Devra choisir un nouveau mot de passe à la prochaine connexion.
diagnosis-email_shared =
    L'adresse e-mail est partagée avec { $count ->
        [one] une autre personne
       *[other] { $count } autres personnes
    } ayant un accès. Un e-mail « Mot de passe oublié » liste chaque compte avec son propre lien. Fusionnez les personnes ou modifiez une adresse.
diagnosis-never_logged_in = Aucune connexion jusqu'à présent.

## E-mails, shared parts

mail-greeting = Bonjour { $person_name },
mail-greeting-anonymous = Bonjour,
mail-sign-off = Cordialement,
mail-link-fallback = Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :
mail-username = Votre identifiant : { $username }
mail-link-valid-days =
    Le lien ne peut servir qu'une fois et reste valable { $count ->
        [one] un jour
       *[other] { $count } jours
    }.
mail-link-valid-hours =
    Le lien ne peut servir qu'une fois et reste valable { $count ->
        [one] une heure
       *[other] { $count } heures
    }.
mail-link-valid-minutes =
    Le lien ne peut servir qu'une fois et reste valable { $count ->
        [one] une minute
       *[other] { $count } minutes
    }.
mail-links-valid-days =
    Chaque lien ne peut servir qu'une fois et reste valable { $count ->
        [one] un jour
       *[other] { $count } jours
    }.
mail-links-valid-hours =
    Chaque lien ne peut servir qu'une fois et reste valable { $count ->
        [one] une heure
       *[other] { $count } heures
    }.
mail-links-valid-minutes =
    Chaque lien ne peut servir qu'une fois et reste valable { $count ->
        [one] une minute
       *[other] { $count } minutes
    }.

## E-mail: invitation

mail-invitation-subject = Votre accès à { $tenant_name }
mail-invitation-intro = { $tenant_name } vous a accordé un accès. Choisissez d'abord votre mot de passe ; vous vous connecterez ensuite avec votre identifiant et ce mot de passe.
mail-invitation-action = Choisir mon mot de passe
mail-invitation-unexpected = Vous ne vous attendiez pas à cette invitation ? Vous pouvez ignorer cet e-mail : sans mot de passe, personne ne peut se connecter à ce compte.

## E-mail: reset

mail-reset-subject = Choisissez un nouveau mot de passe pour { $tenant_name }
mail-reset-intro = Un nouveau mot de passe a été demandé pour votre compte chez { $tenant_name }. Choisissez-le à l'aide du lien ci-dessous.
mail-reset-action = Choisir un nouveau mot de passe
mail-reset-unexpected = Vous n'avez pas demandé de nouveau mot de passe ? Merci de le signaler à { $tenant_name }.

## E-mail: forgotten password for a shared address

mail-forgot_shared-subject = Vos comptes chez { $tenant_name }
mail-forgot_shared-intro = Vous avez demandé un nouveau mot de passe chez { $tenant_name }. Plusieurs comptes utilisent cette adresse e-mail ; chacun figure ci-dessous avec son propre lien. Choisissez le compte dont vous voulez modifier le mot de passe.
mail-forgot_shared-account = { $person_name } (identifiant : { $username })
mail-forgot_shared-action = Choisir un nouveau mot de passe pour { $username }
mail-forgot_shared-merge = Si ces comptes appartiennent à une seule personne, { $tenant_name } peut les fusionner ; un seul mot de passe suffira alors.
mail-forgot_shared-unexpected = Vous n'avez pas demandé de nouveau mot de passe ? Vous pouvez ignorer cet e-mail : vos mots de passe restent inchangés.
