# Teksten van de selfservicepagina's (inloggen, links, wachtwoord vergeten, registreren, account).

page-skip-to-content = Naar de inhoud
page-language = Taal
page-sign-out = Uitloggen
page-errors-title = Controleer het volgende
page-back-to-login = Terug naar inloggen
page-save = Opslaan

login-title = Inloggen
login-username = Gebruikersnaam of e-mailadres
login-password = Wachtwoord
login-submit = Inloggen
login-forgot = Wachtwoord vergeten?
login-register = Nog geen account? Registreer u
login-failed = De gebruikersnaam of het wachtwoord klopt niet. Controleer beide en probeer het opnieuw.

forgot-title = Wachtwoord vergeten?
forgot-intro = Vul uw e-mailadres of gebruikersnaam in. U ontvangt een link waarmee u een nieuw wachtwoord kiest.
forgot-address = E-mailadres of gebruikersnaam
forgot-submit = Link versturen
forgot-sent = Als er een account bij dit adres hoort, hebben we een e-mail met een link verstuurd. De link is beperkt geldig. Niets ontvangen? Kijk in uw map met ongewenste e-mail, of vraag het aan degene die uw toegang beheert.

register-title = Account aanmaken
register-kind = Ik registreer mij als
register-submit = Account aanmaken
register-sent = Bedankt. Kijk in uw e-mail: we hebben u een link gestuurd waarmee u uw wachtwoord kiest.
kind-staff = Medewerker
kind-owner = Eigenaar
kind-guest = Gast

profile-salutation = Aanhef
profile-first-name = Voornaam
profile-last-name = Achternaam
profile-email = E-mailadres
profile-phone = Telefoonnummer
profile-language = Taal

invite-title = Kies uw wachtwoord
invite-intro = Welkom! Kies een wachtwoord om uw account af te ronden.
reset-title = Kies een nieuw wachtwoord
reset-intro = Kies een nieuw wachtwoord voor uw account.
set-password-new = Nieuw wachtwoord
set-password-again = Nieuw wachtwoord herhalen
set-password-submit = Wachtwoord opslaan
password-mismatch = De twee wachtwoorden zijn niet gelijk.
password-wrong_password = Dit is niet uw huidige wachtwoord.
password-rule-length = Gebruik minstens { $min } tekens.
password-rule-classes = Combineer kleine letters, hoofdletters, cijfers en een leesteken.
password-rule-guessable = Vermijd namen, datums en bekende wachtwoorden; een paar losse woorden achter elkaar werkt goed.

link-invalid-title = Deze link werkt niet meer
link-invalid-body = De link is al gebruikt, verlopen of niet volledig. Dat gebeurt, en er is niets mis met uw account.
link-invalid-new-link = Vraag een nieuwe link aan
account-title = Mijn account
account-password = Wachtwoord
account-must-change = Kies eerst een eigen, nieuw wachtwoord voordat u verdergaat.
account-current-password = Huidig wachtwoord
account-change-password = Wachtwoord wijzigen
account-profile = Mijn gegevens
account-notifications = E-mails die ik ontvang
account-notifications-intro = Stuur mij e-mails over:
account-sessions = Waar ik ben ingelogd
account-session-device = Apparaat
account-session-since = Ingelogd op
account-session-seen = Laatst actief
account-session-address = Adres
account-session-this = dit apparaat
account-sign-out-others = Overal elders uitloggen

category-reservations = Reserveringen
category-invoices = Facturen
category-reminders = Herinneringen
category-newsletter = Nieuwsbrief

flash-signed-in = U bent ingelogd.
flash-must-change-password = U bent ingelogd. Kies eerst een nieuw wachtwoord.
flash-signed-out = U bent uitgelogd.
flash-password-set = Uw wachtwoord is opgeslagen en u bent ingelogd.
flash-profile-saved = Uw gegevens zijn opgeslagen.
flash-password-changed = Uw wachtwoord is gewijzigd. Op uw andere apparaten bent u uitgelogd.
flash-notifications-saved = Uw e-mailvoorkeuren zijn opgeslagen.
flash-sessions-ended = U bent overal elders uitgelogd.

csrf-title = Dit formulier is verlopen
csrf-body = Voor uw veiligheid kon dit formulier niet worden verstuurd. Ga terug, laad de pagina opnieuw en probeer het nog eens.
csrf-again = Pagina opnieuw laden
