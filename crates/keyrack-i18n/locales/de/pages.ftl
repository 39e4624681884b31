# Texte der Self-Service-Seiten (Anmelden, Links, Passwort vergessen, Registrieren, Konto).

page-skip-to-content = Zum Inhalt springen
page-language = Sprache
page-sign-out = Abmelden
page-errors-title = Bitte prüfen Sie Folgendes
page-back-to-login = Zurück zur Anmeldung
page-save = Speichern

login-title = Anmelden
login-username = Kontoname oder E-Mail-Adresse
login-password = Passwort
login-submit = Anmelden
login-forgot = Passwort vergessen?
login-register = Noch kein Konto? Registrieren
login-failed = Kontoname oder Passwort ist nicht korrekt. Bitte prüfen Sie beides und versuchen Sie es erneut.

forgot-title = Passwort vergessen?
forgot-intro = Geben Sie Ihre E-Mail-Adresse oder Ihren Kontonamen ein. Sie erhalten einen Link, mit dem Sie ein neues Passwort erfassen.
forgot-address = E-Mail-Adresse oder Kontoname
forgot-submit = Link senden
forgot-sent = Falls zu dieser Adresse ein Konto gehört, haben wir Ihnen eine E-Mail mit einem Link gesendet. Der Link ist nur begrenzt gültig. Nichts erhalten? Sehen Sie im Spam-Ordner nach oder wenden Sie sich an die Person, die Ihren Zugang verwaltet.

register-title = Konto anlegen
register-kind = Ich registriere mich als
register-submit = Konto anlegen
register-sent = Vielen Dank. Bitte sehen Sie in Ihr Postfach: Wir haben Ihnen einen Link gesendet, mit dem Sie Ihr Passwort erfassen.
kind-staff = Mitarbeitende Person
kind-owner = Eigentümer/in
kind-guest = Gast

profile-salutation = Anrede
profile-first-name = Vorname
profile-last-name = Nachname
profile-email = E-Mail-Adresse
profile-phone = Telefonnummer
profile-language = Sprache

invite-title = Passwort erfassen
invite-intro = Willkommen! Erfassen Sie ein Passwort, um Ihr Konto einzurichten.
reset-title = Neues Passwort erfassen
reset-intro = Erfassen Sie ein neues Passwort für Ihr Konto.
set-password-new = Neues Passwort
set-password-again = Neues Passwort wiederholen
set-password-submit = Passwort speichern
password-mismatch = Die beiden Passwörter stimmen nicht überein.
password-wrong_password = Das ist nicht Ihr aktuelles Passwort.
password-rule-length = Verwenden Sie mindestens { $min } Zeichen.
password-rule-classes = Kombinieren Sie Klein- und Großbuchstaben, Ziffern und ein Sonderzeichen.
password-rule-guessable = Vermeiden Sie Namen, Daten und bekannte Passwörter; einige unzusammenhängende Wörter eignen sich gut.

link-invalid-title = Dieser Link ist nicht mehr gültig
link-invalid-body = Der Link wurde bereits verwendet, ist abgelaufen oder unvollständig. Das kommt vor – mit Ihrem Konto ist alles in Ordnung.
link-invalid-new-link = Neuen Link anfordern
account-title = Mein Konto
account-password = Passwort
account-must-change = Bitte erfassen Sie zuerst ein eigenes, neues Passwort.
account-current-password = Aktuelles Passwort
account-change-password = Passwort ändern
account-profile = Meine Angaben
account-notifications = E-Mails, die ich erhalte
account-notifications-intro = Senden Sie mir E-Mails zu:
account-sessions = Wo ich angemeldet bin
account-session-device = Gerät
account-session-since = Angemeldet am
account-session-seen = Zuletzt aktiv
account-session-address = Adresse
account-session-this = dieses Gerät
account-sign-out-others = Überall sonst abmelden

category-reservations = Reservierungen
category-invoices = Rechnungen
category-reminders = Erinnerungen
category-newsletter = Newsletter

flash-signed-in = Sie sind angemeldet.
flash-must-change-password = Sie sind angemeldet. Bitte erfassen Sie zuerst ein neues Passwort.
flash-signed-out = Sie sind abgemeldet.
flash-password-set = Ihr Passwort wurde gespeichert, und Sie sind angemeldet.
flash-profile-saved = Ihre Angaben wurden gespeichert.
flash-password-changed = Ihr Passwort wurde geändert. Auf Ihren anderen Geräten wurden Sie abgemeldet.
flash-notifications-saved = Ihre E-Mail-Einstellungen wurden gespeichert.
flash-sessions-ended = Sie wurden überall sonst abgemeldet.

csrf-title = Dieses Formular ist abgelaufen
csrf-body = Zu Ihrer Sicherheit konnte das Formular nicht gesendet werden. Gehen Sie zurück, laden Sie die Seite neu und versuchen Sie es noch einmal.
csrf-again = Seite neu laden
