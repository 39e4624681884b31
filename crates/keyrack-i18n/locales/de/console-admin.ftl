# Texte der Verwaltungsseiten der Konsole: gemeinsame Adressen und Zusammenführen, Rollen,
# Filialen, Einstellungen, Verlauf.

admin-shared-title = Gemeinsam genutzte E-Mail-Adressen
admin-shared-intro = Diese Personen teilen sich eine E-Mail-Adresse, daher kann eine E-Mail zum Zurücksetzen des Passworts nicht nur einer von ihnen gelten. Ist es dieselbe Person, führen Sie die Personen zusammen; sonst geben Sie einer von ihnen eine andere Adresse.
admin-shared-none = Keine E-Mail-Adresse wird von mehr als einer Person genutzt.
admin-shared-count = { $count ->
    [one] 1 Person
   *[other] { $count } Personen
  }
admin-merge-with = Mit { $name } zusammenführen
admin-change-address = Adresse ändern
admin-address-new = Neue E-Mail-Adresse
admin-address-save = Adresse speichern
admin-merge-title = Zwei Personen zusammenführen
admin-merge-intro = Die Person, die Sie behalten, bleibt bestehen; die andere wird gelöscht. Wählen Sie für jedes Feld, welcher Wert bleibt. Der Verlauf beider bleibt erhalten und erscheint bei der Person, die Sie behalten.
admin-merge-keep = Behalten
admin-merge-field = Feld
admin-merge-login = Zugang
admin-merge-login-none = Kein Zugang
admin-merge-login-help = Nur ein Zugang kann bleiben. Der andere endet: seine Sitzungen und Links funktionieren sofort nicht mehr.
admin-merge-confirm = Ich verstehe, dass { $name } gelöscht wird und nicht wiederhergestellt werden kann.
admin-merge-submit = Diese Personen zusammenführen
admin-merge-survivor = Person, die bleibt
admin-merge-swap = Stattdessen die andere Person behalten
admin-field-kind = Art
admin-field-email = E-Mail-Adresse
admin-field-phones = Telefonnummern
admin-field-notifications = E-Mail-Kategorien
admin-field-username = Kontoname
admin-empty = (leer)
flash-merged = Die beiden Personen sind jetzt eine.
flash-address-changed = Die E-Mail-Adresse wurde geändert.

admin-roles-title = Rollen
admin-roles-intro = Eine Rolle ist eine Menge von Berechtigungen. Geben Sie allen die Rolle, die zu ihrer Arbeit passt.
admin-role-name = Bezeichnung
admin-role-holders = { $count ->
    [one] 1 Person
   *[other] { $count } Personen
  }
admin-role-builtin = vorgegeben
admin-role-fixed = Die Rolle Administrator hat immer alle Berechtigungen in allen Filialen. Sie kann nicht geändert werden.
admin-role-new = Neue Rolle
admin-role-create = Rolle anlegen
admin-role-save = Berechtigungen speichern
admin-role-edit = Berechtigungen ändern
admin-role-delete = Rolle löschen
admin-role-delete-confirm = Die Rolle { $name } löschen? Das kann nicht rückgängig gemacht werden.
admin-role-delete-in-use = Niemand darf eine gelöschte Rolle haben: Geben Sie diesen Personen zuerst eine andere Rolle.
admin-permissions-keyrack = Keyrack verwalten
admin-permissions-catalogue = In Ihren Anwendungen
flash-role-created = Die Rolle wurde angelegt.
flash-role-saved = Die Berechtigungen wurden gespeichert.
flash-role-deleted = Die Rolle wurde gelöscht.

admin-branches-title = Filialen
admin-branches-intro = Filialen sind die Standorte Ihres Unternehmens. Eine Person kann auf einige Filialen beschränkt werden.
admin-branch-name = Bezeichnung
admin-branch-in-scope = { $count ->
    [0] niemand hat Zugriff auf diese Filiale
    [one] 1 Person hat Zugriff auf diese Filiale
   *[other] { $count } Personen haben Zugriff auf diese Filiale
  }
admin-branch-create = Filiale hinzufügen
admin-branch-rename = Umbenennen
admin-branch-delete = Löschen
admin-branch-delete-confirm = Die Filiale { $name } löschen? { $count ->
    [0] Niemand hat Zugriff darauf.
    [one] 1 Person verliert den Zugriff darauf.
   *[other] { $count } Personen verlieren den Zugriff darauf.
  }
flash-branch-created = Die Filiale wurde hinzugefügt.
flash-branch-renamed = Die Filiale wurde umbenannt.
flash-branch-deleted = Die Filiale wurde gelöscht.

admin-settings-title = Einstellungen
admin-settings-general = Allgemein
admin-settings-name = Name Ihrer Organisation
admin-settings-language = Standardsprache
admin-settings-language-hint = Neue Personen erhalten ihre E-Mails in dieser Sprache, bis für sie eine andere gewählt wird; die Seiten verwenden sie, wenn ein Browser keine der fünf verlangt.
admin-settings-password = Passwörter
admin-settings-preset = Passwortregeln
admin-settings-preset-default = Empfohlen: lange Passwörter (mindestens 15 Zeichen), keine erzwungene Zeichenmischung, häufige und erratbare Passwörter abgelehnt
admin-settings-preset-classic = Klassisch: mindestens 8 Zeichen mit einer Ziffer, einem Sonderzeichen, einem Groß- und einem Kleinbuchstaben. Schwächer als die empfohlenen Regeln.
admin-settings-min-length = Mindestlänge
admin-settings-classes = Erforderliche Zeichenarten
admin-settings-lower = ein Kleinbuchstabe
admin-settings-upper = ein Großbuchstabe
admin-settings-digit = eine Ziffer
admin-settings-special = ein Sonderzeichen
admin-settings-min-score = Mindeststärke (0 bis 4; 3 empfohlen)
admin-settings-registration = Selbstregistrierung
admin-settings-registration-intro = Wer auf der Anmeldeseite selbst ein Konto anlegen darf:
admin-settings-links = Links in E-Mails
admin-settings-invitation-hours = Eine Einladung bleibt gültig (Stunden)
admin-settings-reset-minutes = Ein Link zum Zurücksetzen des Passworts bleibt gültig (Minuten)
admin-settings-modules = Module
admin-settings-modules-intro = Welche Arten von Personen Zugriff erhalten können:
admin-module-staff = Mitarbeitende
admin-module-owners = Eigentümer
admin-module-guests = Gäste
flash-settings-saved = Die Einstellungen wurden gespeichert.

admin-audit-title = Verlauf
admin-audit-intro = Alles, was getan wurde, von wem und wann, das Neueste zuerst.
admin-audit-who = Wer
admin-audit-action = Aktion
admin-audit-action-any = Jede Aktion
admin-audit-person = Über Person
admin-audit-from = Von
admin-audit-to = Bis
admin-audit-filter = Anzeigen
admin-audit-clear = Filter löschen
admin-audit-when = Wann
admin-audit-about = Über
admin-audit-changes = Änderungen
admin-audit-none = Nichts passt zu diesen Filtern.
admin-audit-next = Ältere Ereignisse
admin-audit-from-address = von { $address }

permission-people-view = Personen sehen
permission-people-manage = Personen hinzufügen und ändern
permission-access-manage = Zugriff gewähren, sperren und entfernen; Passwörter setzen
permission-roles-manage = Rollen verwalten
permission-settings-manage = Einstellungen und Filialen ändern
permission-audit-view = Den Verlauf sehen
permission-import-export = Tabellen importieren und exportieren
permission-appointments-own = Eigene Termine
permission-appointments-all = Alle Termine
permission-clients = Kundenliste
permission-sales = Verkauf
permission-online-booking = Online-Buchung
permission-settings = Einstellungen der Anwendung
permission-helpdesk = Helpdesk (Support)
permission-reports = Berichte
permission-portal-owner = Portal für Eigentümer
permission-portal-guest = Portal für Gäste

field-confirm_required = Setzen Sie das Häkchen, um zu bestätigen.
field-not_a_number = Geben Sie eine ganze Zahl ein.
field-invalid_date = Geben Sie ein Datum wie 2026-03-01 ein.
field-before_from = Dieses Datum darf nicht vor dem ersten liegen.
field-same_person = Eine Person kann nicht mit sich selbst zusammengeführt werden.

console-event-access = Zugriff: alles
console-event-person = Personen: alles
console-event-role = Rollen: alles
console-event-branch = Filialen: alles
console-event-import = Importe: alles
console-event-person-merged = Zwei Personen zusammengeführt
console-event-person-deleted = Person gelöscht
console-event-role-created = Rolle angelegt
console-event-role-updated = Berechtigungen einer Rolle geändert
console-event-role-deleted = Rolle gelöscht
console-event-branch-created = Filiale hinzugefügt
console-event-branch-renamed = Filiale umbenannt
console-event-branch-deleted = Filiale gelöscht
console-event-tenant-updated = Einstellungen geändert
