# Texte der Ersteinrichtung (/setup/{token}).

setup-title = Keyrack einrichten
setup-intro = Willkommen. Legen Sie Ihre erste Organisation und deren Administrator an. Personen, Filialen und weitere Organisationen fügen Sie danach hinzu.
setup-tenant-heading = Ihre Organisation
setup-tenant-name = Name der Organisation
setup-tenant-slug = Name in der Webadresse
setup-tenant-slug-hint = Kleinbuchstaben, Ziffern und Bindestriche; er wird Teil der Adresse, etwa /t/mein-park/login.
setup-tenant-language = Standardsprache
setup-admin-heading = Der Administrator
setup-admin-intro = Diese Person verwaltet alles in der Organisation. Wahrscheinlich sind Sie das selbst.
setup-first-name = Vorname
setup-last-name = Nachname
setup-email = E-Mail-Adresse
setup-username = Kontoname
setup-username-hint = Leer lassen, um sich mit der E-Mail-Adresse anzumelden.
setup-password = Passwort
setup-password-again = Passwort wiederholen
setup-submit = Anlegen und anmelden
setup-invalid-title = Dieser Einrichtungslink funktioniert nicht
setup-invalid-body = Der Link ist unvollständig, abgelaufen, oder es wurde ein neuerer angezeigt. Starten Sie Keyrack auf dem Server neu: Solange keine Organisation existiert, zeigt es bei jedem Start einen neuen Einrichtungslink.
setup-done-title = Keyrack ist bereits eingerichtet
setup-done-body = Die erste Organisation existiert bereits, daher funktioniert dieser Einrichtungslink nicht mehr. Melden Sie sich auf der Anmeldeseite Ihrer Organisation an, oder bitten Sie deren Administrator um Zugang.
flash-setup-done = Willkommen! Ihre Organisation ist bereit und Sie sind als Administrator angemeldet.
