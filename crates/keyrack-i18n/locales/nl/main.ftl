# Keyrack's texts, Dutch (formal "u"). The state labels are the ones Tommy's customers know
# ("Ja (geen wachtwoord)", …); the actions use the article's words in the infinitive, as Dutch
# buttons do ("Verleen toegang" → "Toegang verlenen").

## Access states

state-none = Nee
state-granted = Ja (geen wachtwoord)
state-invited = Ja (uitgenodigd)
state-active = Ja
state-reset_pending = Ja (reset wachtwoord)
state-reset_requested = Ja (reset aangevraagd)
state-blocked = Ja (geblokkeerd)

## Actions

action-grant = Toegang verlenen
action-invite = Uitnodiging versturen
action-resend-invitation = Uitnodiging opnieuw versturen
action-block = Toegang blokkeren
action-unblock = Blokkering opheffen
action-remove = Toegang verwijderen
action-reset = Wachtwoord resetten
action-set-password = Wachtwoord instellen
action-generate-password = Wachtwoord genereren
action-change-password = Wachtwoord wijzigen
action-forgot = Wachtwoord vergeten?

## Password refusals

password-required = Vul een wachtwoord in.
password-too_short = Het wachtwoord moet minimaal { $min } tekens lang zijn.
password-too_long = Het wachtwoord mag maximaal { $max } tekens lang zijn.
password-needs_lowercase = Het wachtwoord moet minimaal één kleine letter bevatten.
password-needs_uppercase = Het wachtwoord moet minimaal één hoofdletter bevatten.
password-needs_digit = Het wachtwoord moet minimaal één cijfer bevatten.
password-needs_symbol = Het wachtwoord moet minimaal één speciaal teken bevatten, zoals ! of #.
password-too_guessable = Dit wachtwoord is te makkelijk te raden. Kies een langer wachtwoord, bijvoorbeeld een paar woorden die niets met elkaar te maken hebben.
password-contains_username = Het wachtwoord mag de gebruikersnaam niet bevatten.
password-contains_email = Het wachtwoord mag het e-mailadres niet bevatten.
password-ambiguous = Vul een wachtwoord in of laat er een genereren, niet allebei.

## Other input refusals

field-required = Dit veld is verplicht.
field-too_long = Dit mag maximaal { $max } tekens lang zijn.
field-invalid_email = Dit is geen geldig e-mailadres.
field-invalid_choice = Kies een van de aangeboden mogelijkheden.
field-invalid_phone = Vul een telefoonnummer in van 5 tot 20 cijfers.
field-taken = Dit is al in gebruik; kies iets anders.
field-invalid_slug = Gebruik 2 tot 63 kleine letters, cijfers en koppeltekens, zonder koppelteken aan het begin of het eind.
field-invalid_username = Een gebruikersnaam mag geen spaties bevatten.
field-invalid_characters = Dit bevat tekens die niet zijn toegestaan.
field-invalid_permission = De naam van een recht bestaat uit kleine letters, cijfers, punten en liggende streepjes.
field-invalid_role_name = De naam van een rol bestaat uit 1 tot 64 kleine letters, cijfers, koppeltekens en liggende streepjes.
field-invalid_branches = Kies alle vestigingen of een lijst van vestigingen.
field-unknown_branch = Deze vestiging bestaat niet (meer).
field-unknown_category = Deze e-mailcategorie bestaat niet.
field-unknown_permission = Het recht ‘{ $permission }’ bestaat niet.
field-unknown_role = Deze rol bestaat niet.
field-name_required = Vul een voornaam, een achternaam of een e-mailadres in.
field-out_of_range = Deze waarde valt buiten het toegestane bereik.
field-cannot_grant = U kunt dit niet toekennen: uw eigen toegang omvat het niet.

## Diagnosis

diagnosis-ok = Kan inloggen.
diagnosis-ok-with-last_login_on = Kan inloggen. Laatst ingelogd op { $last_login_on }.
diagnosis-no_access = Kan niet inloggen: deze persoon heeft geen toegang. Verleen eerst toegang.
diagnosis-blocked = Kan niet inloggen: de toegang is geblokkeerd. Hef de blokkering op om terug te gaan naar de vorige status.
diagnosis-no_password = Kan niet inloggen: er is nog geen wachtwoord ingesteld. Verstuur een uitnodiging of stel een wachtwoord in.
diagnosis-invitation_pending = Kan nog niet inloggen: de uitnodiging is geldig tot { $expires_on }, maar er is nog geen wachtwoord gekozen.
diagnosis-invitation_pending-with-sent_on = Kan nog niet inloggen: de uitnodiging van { $sent_on } is geldig tot { $expires_on }, maar er is nog geen wachtwoord gekozen.
diagnosis-invitation_expired = Kan niet inloggen: de uitnodiging is op { $expired_on } verlopen. Verstuur een nieuwe uitnodiging.
diagnosis-invitation_expired-with-sent_on = Kan niet inloggen: de uitnodiging van { $sent_on } is op { $expired_on } verlopen. Verstuur een nieuwe uitnodiging.
diagnosis-invitation_missing = Kan niet inloggen: er is geen geldige uitnodigingslink. Verstuur een nieuwe uitnodiging.
diagnosis-reset_pending = Kan niet inloggen: een beheerder heeft het wachtwoord gereset. De persoon moet via de resetlink een nieuw wachtwoord kiezen; die link is geldig tot { $expires_on }.
diagnosis-reset_expired = Kan niet inloggen: het wachtwoord is gereset en er is geen geldige resetlink. Reset het wachtwoord opnieuw of stel een wachtwoord in.
diagnosis-reset_expired-with-expired_on = Kan niet inloggen: het wachtwoord is gereset en de resetlink is op { $expired_on } verlopen. Reset het wachtwoord opnieuw of stel een wachtwoord in.
diagnosis-reset_requested = De persoon heeft een nieuw wachtwoord aangevraagd; het huidige wachtwoord blijft werken tot er een nieuw is gekozen.
diagnosis-reset_requested-with-expires_on = De persoon heeft een nieuw wachtwoord aangevraagd (de link is geldig tot { $expires_on }); het huidige wachtwoord blijft werken tot er een nieuw is gekozen.
diagnosis-module_off = Kan niet inloggen: de module voor dit soort personen staat uit in de instellingen.
diagnosis-locked =
    Kan nu niet inloggen: na mislukte pogingen nog { $minutes ->
        [one] één minuut
       *[other] { $minutes } minuten
    } vergrendeld. De vergrendeling vervalt vanzelf.
diagnosis-must_change_password = Moet bij de volgende keer inloggen een nieuw wachtwoord kiezen.
diagnosis-email_shared =
    Het e-mailadres wordt gedeeld met { $count ->
        [one] één andere persoon
       *[other] { $count } andere personen
    } met toegang. Een e-mail na ‘Wachtwoord vergeten’ noemt elk account met een eigen link. Voeg de personen samen of wijzig een e-mailadres.
diagnosis-never_logged_in = Heeft nog nooit ingelogd.

## E-mails, shared parts

mail-greeting = Beste { $person_name },
mail-greeting-anonymous = Goedendag,
mail-sign-off = Met vriendelijke groet,
mail-link-fallback = Werkt de knop niet? Kopieer dan dit adres naar uw browser:
mail-username = Uw gebruikersnaam: { $username }
mail-link-valid-days =
    De link werkt één keer en is { $count ->
        [one] één dag
       *[other] { $count } dagen
    } geldig.
mail-link-valid-hours =
    De link werkt één keer en is { $count ->
        [one] één uur
       *[other] { $count } uur
    } geldig.
mail-link-valid-minutes =
    De link werkt één keer en is { $count ->
        [one] één minuut
       *[other] { $count } minuten
    } geldig.
mail-links-valid-days =
    Elke link werkt één keer en is { $count ->
        [one] één dag
       *[other] { $count } dagen
    } geldig.
mail-links-valid-hours =
    Elke link werkt één keer en is { $count ->
        [one] één uur
       *[other] { $count } uur
    } geldig.
mail-links-valid-minutes =
    Elke link werkt één keer en is { $count ->
        [one] één minuut
       *[other] { $count } minuten
    } geldig.

## E-mail: invitation

mail-invitation-subject = Uw toegang tot { $tenant_name }
mail-invitation-intro = { $tenant_name } heeft u toegang gegeven. Kies eerst uw wachtwoord; daarna logt u in met uw gebruikersnaam en dat wachtwoord.
mail-invitation-action = Wachtwoord kiezen
mail-invitation-unexpected = Had u deze uitnodiging niet verwacht? Dan kunt u deze e-mail negeren: zonder wachtwoord kan niemand met dit account inloggen.

## E-mail: reset

mail-reset-subject = Kies een nieuw wachtwoord voor { $tenant_name }
mail-reset-intro = Er is een nieuw wachtwoord aangevraagd voor uw account bij { $tenant_name }. Kies het via de link hieronder.
mail-reset-action = Nieuw wachtwoord kiezen
mail-reset-unexpected = Heeft u geen nieuw wachtwoord aangevraagd? Laat het dan aan { $tenant_name } weten.

## E-mail: forgotten password for a shared address

mail-forgot_shared-subject = Uw accounts bij { $tenant_name }
mail-forgot_shared-intro = U heeft bij { $tenant_name } een nieuw wachtwoord aangevraagd. Dit e-mailadres hoort bij meerdere accounts; hieronder staat elk account met een eigen link. Kies het account waarvan u het wachtwoord wilt wijzigen.
mail-forgot_shared-account = { $person_name } (gebruikersnaam: { $username })
mail-forgot_shared-action = Nieuw wachtwoord kiezen voor { $username }
mail-forgot_shared-merge = Horen deze accounts bij één persoon? Dan kan { $tenant_name } ze samenvoegen, zodat u met één wachtwoord toekunt.
mail-forgot_shared-unexpected = Heeft u geen nieuw wachtwoord aangevraagd? Dan kunt u deze e-mail negeren: uw wachtwoorden blijven zoals ze zijn.
