# Keyrack's texts, German (formal "Sie"). The Swiss customer portal's words where it has them:
# Kontoname for the username, "Passwort erfassen", "Zugriff".

## Access states

state-none = Kein Zugriff
state-granted = Ja (kein Passwort)
state-invited = Ja (eingeladen)
state-active = Ja
state-reset_pending = Ja (Passwort zurückgesetzt)
state-reset_requested = Ja (Zurücksetzen angefordert)
state-blocked = Ja (gesperrt)

## Actions

action-grant = Zugriff gewähren
action-invite = Einladung senden
action-resend-invitation = Einladung erneut senden
action-block = Zugriff sperren
action-unblock = Sperre aufheben
action-remove = Zugriff entfernen
action-reset = Passwort zurücksetzen
action-set-password = Passwort erfassen
action-generate-password = Passwort generieren
action-change-password = Passwort ändern
action-forgot = Passwort vergessen?

## Password refusals

password-required = Bitte geben Sie ein Passwort ein.
password-too_short = Das Passwort muss mindestens { $min } Zeichen lang sein.
password-too_long = Das Passwort darf höchstens { $max } Zeichen lang sein.
password-needs_lowercase = Das Passwort muss mindestens einen Kleinbuchstaben enthalten.
password-needs_uppercase = Das Passwort muss mindestens einen Großbuchstaben enthalten.
password-needs_digit = Das Passwort muss mindestens eine Ziffer enthalten.
password-needs_symbol = Das Passwort muss mindestens ein Sonderzeichen enthalten, zum Beispiel ! oder #.
password-too_guessable = Dieses Passwort ist zu leicht zu erraten. Wählen Sie ein längeres, zum Beispiel aus einigen Wörtern, die nichts miteinander zu tun haben.
password-contains_username = Das Passwort darf den Kontonamen nicht enthalten.
password-contains_email = Das Passwort darf die E-Mail-Adresse nicht enthalten.
password-ambiguous = Geben Sie ein Passwort ein oder lassen Sie eines generieren, nicht beides.

## Other input refusals

field-required = Bitte füllen Sie dieses Feld aus.
field-too_long = Hier sind höchstens { $max } Zeichen möglich.
field-invalid_email = Dies ist keine gültige E-Mail-Adresse.
field-invalid_choice = Bitte wählen Sie eine der angebotenen Möglichkeiten.
field-invalid_phone = Bitte geben Sie eine Telefonnummer mit 5 bis 20 Ziffern ein.
field-taken = Dies ist bereits vergeben; bitte wählen Sie etwas anderes.
field-invalid_slug = Verwenden Sie 2 bis 63 Kleinbuchstaben, Ziffern und Bindestriche, ohne Bindestrich am Anfang oder am Ende.
field-invalid_username = Ein Kontoname darf keine Leerzeichen enthalten.
field-invalid_characters = Die Eingabe enthält unzulässige Zeichen.
field-invalid_permission = Der Name einer Berechtigung besteht aus Kleinbuchstaben, Ziffern, Punkten und Unterstrichen.
field-invalid_role_name = Der Name einer Rolle besteht aus 1 bis 64 Kleinbuchstaben, Ziffern, Bindestrichen und Unterstrichen.
field-invalid_branches = Wählen Sie alle Filialen oder eine Liste von Filialen.
field-unknown_branch = Diese Filiale gibt es nicht (mehr).
field-unknown_category = Diese E-Mail-Kategorie gibt es nicht.
field-unknown_permission = Die Berechtigung „{ $permission }“ gibt es nicht.
field-unknown_role = Diese Rolle gibt es nicht.
field-name_required = Bitte geben Sie einen Vornamen, einen Nachnamen oder eine E-Mail-Adresse ein.
field-out_of_range = Dieser Wert liegt außerhalb des zulässigen Bereichs.
field-cannot_grant = Das können Sie nicht vergeben: Ihr eigener Zugriff umfasst es nicht.

## Diagnosis

diagnosis-ok = Kann sich anmelden.
diagnosis-ok-with-last_login_on = Kann sich anmelden. Letzte Anmeldung am { $last_login_on }.
diagnosis-no_access = Kann sich nicht anmelden: Diese Person hat keinen Zugriff. Gewähren Sie zuerst Zugriff.
diagnosis-blocked = Kann sich nicht anmelden: Der Zugriff ist gesperrt. Heben Sie die Sperre auf, um zum vorherigen Zustand zurückzukehren.
diagnosis-no_password = Kann sich nicht anmelden: Es ist noch kein Passwort erfasst. Senden Sie eine Einladung oder erfassen Sie ein Passwort.
diagnosis-invitation_pending = Kann sich noch nicht anmelden: Die Einladung ist bis { $expires_on } gültig, aber es wurde noch kein Passwort gewählt.
diagnosis-invitation_pending-with-sent_on = Kann sich noch nicht anmelden: Die Einladung vom { $sent_on } ist bis { $expires_on } gültig, aber es wurde noch kein Passwort gewählt.
diagnosis-invitation_expired = Kann sich nicht anmelden: Die Einladung ist am { $expired_on } abgelaufen. Senden Sie eine neue.
diagnosis-invitation_expired-with-sent_on = Kann sich nicht anmelden: Die Einladung vom { $sent_on } ist am { $expired_on } abgelaufen. Senden Sie eine neue.
diagnosis-invitation_missing = Kann sich nicht anmelden: Es gibt keinen gültigen Einladungslink. Senden Sie eine neue Einladung.
diagnosis-reset_pending = Kann sich nicht anmelden: Ein Administrator hat das Passwort zurückgesetzt. Die Person muss über den Link zum Zurücksetzen ein neues wählen; der Link ist bis { $expires_on } gültig.
diagnosis-reset_expired = Kann sich nicht anmelden: Das Passwort wurde zurückgesetzt, und es gibt keinen gültigen Link zum Zurücksetzen. Setzen Sie das Passwort erneut zurück oder erfassen Sie eines.
diagnosis-reset_expired-with-expired_on = Kann sich nicht anmelden: Das Passwort wurde zurückgesetzt, und der Link dazu ist am { $expired_on } abgelaufen. Setzen Sie das Passwort erneut zurück oder erfassen Sie eines.
diagnosis-reset_requested = Die Person hat ein neues Passwort angefordert; das bisherige Passwort gilt weiter, bis ein neues gewählt ist.
diagnosis-reset_requested-with-expires_on = Die Person hat ein neues Passwort angefordert (der Link ist bis { $expires_on } gültig); das bisherige Passwort gilt weiter, bis ein neues gewählt ist.
diagnosis-module_off = Kann sich nicht anmelden: Das Modul für diese Art von Personen ist in den Einstellungen ausgeschaltet.
diagnosis-locked =
    Kann sich im Moment nicht anmelden: Nach fehlgeschlagenen Versuchen ist die Anmeldung noch { $minutes ->
        [one] eine Minute
       *[other] { $minutes } Minuten
    } vorübergehend gesperrt. Die Sperre endet von selbst.
diagnosis-must_change_password = Muss bei der nächsten Anmeldung ein neues Passwort wählen.
diagnosis-email_shared =
    Die E-Mail-Adresse wird mit { $count ->
        [one] einer weiteren Person
       *[other] { $count } weiteren Personen
    } mit Zugriff geteilt. Eine E-Mail zu „Passwort vergessen?“ führt jedes Konto mit eigenem Link auf. Führen Sie die Personen zusammen oder ändern Sie eine Adresse.
diagnosis-never_logged_in = Hat sich noch nie angemeldet.

## E-mails, shared parts

mail-greeting = Guten Tag { $person_name },
mail-greeting-anonymous = Guten Tag,
mail-sign-off = Freundliche Grüße
mail-link-fallback = Falls die Schaltfläche nicht funktioniert, kopieren Sie diese Adresse in Ihren Browser:
mail-username = Ihr Kontoname: { $username }
mail-link-valid-days =
    Der Link funktioniert ein einziges Mal und ist { $count ->
        [one] einen Tag
       *[other] { $count } Tage
    } gültig.
mail-link-valid-hours =
    Der Link funktioniert ein einziges Mal und ist { $count ->
        [one] eine Stunde
       *[other] { $count } Stunden
    } gültig.
mail-link-valid-minutes =
    Der Link funktioniert ein einziges Mal und ist { $count ->
        [one] eine Minute
       *[other] { $count } Minuten
    } gültig.
mail-links-valid-days =
    Jeder Link funktioniert ein einziges Mal und ist { $count ->
        [one] einen Tag
       *[other] { $count } Tage
    } gültig.
mail-links-valid-hours =
    Jeder Link funktioniert ein einziges Mal und ist { $count ->
        [one] eine Stunde
       *[other] { $count } Stunden
    } gültig.
mail-links-valid-minutes =
    Jeder Link funktioniert ein einziges Mal und ist { $count ->
        [one] eine Minute
       *[other] { $count } Minuten
    } gültig.

## E-mail: invitation

mail-invitation-subject = Ihr Zugang zu { $tenant_name }
mail-invitation-intro = { $tenant_name } hat Ihnen Zugriff gewährt. Wählen Sie zuerst Ihr Passwort; danach melden Sie sich mit Ihrem Kontonamen und diesem Passwort an.
mail-invitation-action = Passwort wählen
mail-invitation-unexpected = Haben Sie diese Einladung nicht erwartet? Dann können Sie diese E-Mail ignorieren: Ohne Passwort kann sich niemand mit diesem Konto anmelden.

## E-mail: reset

mail-reset-subject = Neues Passwort für { $tenant_name }
mail-reset-intro = Für Ihr Konto bei { $tenant_name } wurde ein neues Passwort angefordert. Wählen Sie es über den Link unten.
mail-reset-action = Neues Passwort wählen
mail-reset-unexpected = Haben Sie kein neues Passwort angefordert? Dann geben Sie bitte { $tenant_name } Bescheid.

## E-mail: forgotten password for a shared address

mail-forgot_shared-subject = Ihre Konten bei { $tenant_name }
mail-forgot_shared-intro = Sie haben bei { $tenant_name } ein neues Passwort angefordert. Zu dieser E-Mail-Adresse gehören mehrere Konten; unten steht jedes mit einem eigenen Link. Wählen Sie das Konto, dessen Passwort Sie ändern möchten.
mail-forgot_shared-account = { $person_name } (Kontoname: { $username })
mail-forgot_shared-action = Neues Passwort für { $username } wählen
mail-forgot_shared-merge = Gehören diese Konten zu einer einzigen Person? Dann kann { $tenant_name } sie zusammenführen, und ein Passwort genügt.
mail-forgot_shared-unexpected = Haben Sie kein neues Passwort angefordert? Dann können Sie diese E-Mail ignorieren: Ihre Passwörter bleiben unverändert.
