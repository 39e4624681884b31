# Teksten van de beheerpagina's van de console: gedeelde adressen en samenvoegen, rollen,
# filialen, instellingen, de geschiedenis.

admin-shared-title = Gedeelde e-mailadressen
admin-shared-intro = Deze personen delen een e-mailadres, dus een e-mail voor een vergeten wachtwoord kan niet voor één van hen alleen bedoeld zijn. Is het dezelfde persoon, voeg de personen dan samen; zo niet, wijzig dan het e-mailadres van een van hen.
admin-shared-none = Geen enkel e-mailadres wordt door meer dan één persoon gebruikt.
admin-shared-count = { $count ->
    [one] 1 persoon
   *[other] { $count } personen
  }
admin-merge-with = Samenvoegen met { $name }
admin-change-address = E-mailadres wijzigen
admin-address-new = Nieuw e-mailadres
admin-address-save = Adres opslaan
admin-merge-title = Twee personen samenvoegen
admin-merge-intro = De persoon die u bewaart blijft bestaan; de andere wordt verwijderd. Kies per veld welke waarde u bewaart. De geschiedenis van beiden blijft bewaard en staat bij de persoon die u bewaart.
admin-merge-keep = Bewaren
admin-merge-field = Veld
admin-merge-login = Toegang
admin-merge-login-none = Geen login
admin-merge-login-help = Er kan maar één login blijven. De andere login vervalt: de sessies en links ervan werken meteen niet meer.
admin-merge-confirm = Ik begrijp dat { $name } wordt verwijderd en niet kan worden teruggezet.
admin-merge-submit = Deze personen samenvoegen
admin-merge-survivor = Persoon die blijft
admin-merge-swap = De andere persoon bewaren
admin-field-kind = Soort
admin-field-email = E-mailadres
admin-field-phones = Telefoonnummers
admin-field-notifications = E-mailcategorieën
admin-field-username = Gebruikersnaam
admin-empty = (leeg)
flash-merged = De twee personen zijn samengevoegd.
flash-address-changed = Het e-mailadres is gewijzigd.

admin-roles-title = Rollen
admin-roles-intro = Een rol is een verzameling rechten. Geef iedereen de rol die bij zijn werk past.
admin-role-name = Naam
admin-role-holders = { $count ->
    [one] 1 persoon
   *[other] { $count } personen
  }
admin-role-builtin = standaard
admin-role-fixed = De rol administrator heeft altijd alle rechten in alle filialen. Deze rol kan niet worden gewijzigd.
admin-role-new = Nieuwe rol
admin-role-create = Rol aanmaken
admin-role-save = Rechten opslaan
admin-role-edit = Rechten wijzigen
admin-role-delete = Rol verwijderen
admin-role-delete-confirm = De rol { $name } verwijderen? Dit kan niet ongedaan worden gemaakt.
admin-role-delete-in-use = Niemand mag een verwijderde rol hebben: geef deze personen eerst een andere rol.
admin-permissions-keyrack = Keyrack beheren
admin-permissions-catalogue = In uw applicaties
flash-role-created = De rol is aangemaakt.
flash-role-saved = De rechten zijn opgeslagen.
flash-role-deleted = De rol is verwijderd.

admin-branches-title = Filialen
admin-branches-intro = Filialen zijn de vestigingen van uw bedrijf. Iemand kan tot enkele filialen beperkt worden.
admin-branch-name = Naam
admin-branch-in-scope = { $count ->
    [0] niemand heeft toegang tot dit filiaal
    [one] 1 persoon heeft toegang tot dit filiaal
   *[other] { $count } personen hebben toegang tot dit filiaal
  }
admin-branch-create = Filiaal toevoegen
admin-branch-rename = Hernoemen
admin-branch-delete = Verwijderen
admin-branch-delete-confirm = Het filiaal { $name } verwijderen? { $count ->
    [0] Niemand heeft er toegang toe.
    [one] 1 persoon verliest de toegang ertoe.
   *[other] { $count } personen verliezen de toegang ertoe.
  }
flash-branch-created = Het filiaal is toegevoegd.
flash-branch-renamed = Het filiaal is hernoemd.
flash-branch-deleted = Het filiaal is verwijderd.

admin-settings-title = Instellingen
admin-settings-general = Algemeen
admin-settings-name = Naam van uw organisatie
admin-settings-language = Standaardtaal
admin-settings-language-hint = Nieuwe mensen krijgen hun e-mails in deze taal tot er een andere voor hen wordt gekozen; de pagina’s gebruiken haar als een browser om geen van de vijf vraagt.
admin-settings-password = Wachtwoorden
admin-settings-preset = Wachtwoordregels
admin-settings-preset-default = Aanbevolen: lange wachtwoorden (minstens 15 tekens), geen verplichte mix van tekens, veelgebruikte en raadbare wachtwoorden geweigerd
admin-settings-preset-classic = Klassiek: minstens 8 tekens met een cijfer, een speciaal teken, een hoofdletter en een kleine letter. Zwakker dan de aanbevolen regels.
admin-settings-min-length = Minimale lengte
admin-settings-classes = Verplichte soorten tekens
admin-settings-lower = een kleine letter
admin-settings-upper = een hoofdletter
admin-settings-digit = een cijfer
admin-settings-special = een speciaal teken
admin-settings-min-score = Minimale sterkte (0 tot 4; 3 aanbevolen)
admin-settings-registration = Zelf registreren
admin-settings-registration-intro = Wie op de inlogpagina zelf een account mag aanmaken:
admin-settings-links = Links in de e-mails
admin-settings-invitation-hours = Een uitnodiging blijft geldig (uren)
admin-settings-reset-minutes = Een link om het wachtwoord te resetten blijft geldig (minuten)
admin-settings-modules = Onderdelen
admin-settings-modules-intro = Welke soorten personen toegang kunnen krijgen:
admin-module-staff = Medewerkers
admin-module-owners = Eigenaren
admin-module-guests = Gasten
flash-settings-saved = De instellingen zijn opgeslagen.

admin-audit-title = Geschiedenis
admin-audit-intro = Alles wat er is gedaan, door wie en wanneer, het nieuwste eerst.
admin-audit-who = Wie
admin-audit-action = Handeling
admin-audit-action-any = Elke handeling
admin-audit-person = Over persoon
admin-audit-from = Van
admin-audit-to = Tot en met
admin-audit-filter = Tonen
admin-audit-clear = Filters wissen
admin-audit-when = Wanneer
admin-audit-about = Over
admin-audit-changes = Wijzigingen
admin-audit-none = Niets voldoet aan deze filters.
admin-audit-next = Oudere gebeurtenissen
admin-audit-from-address = vanaf { $address }

permission-people-view = Personen bekijken
permission-people-manage = Personen toevoegen en wijzigen
permission-access-manage = Toegang verlenen, blokkeren en verwijderen; wachtwoorden instellen
permission-roles-manage = Rollen beheren
permission-settings-manage = Instellingen en filialen wijzigen
permission-audit-view = De geschiedenis bekijken
permission-import-export = Spreadsheets importeren en exporteren
permission-appointments-own = Eigen afspraken
permission-appointments-all = Alle afspraken
permission-clients = Klantenlijst
permission-sales = Verkoop
permission-online-booking = Online boeken
permission-settings = Instellingen van de applicatie
permission-helpdesk = Helpdesk (ondersteuning)
permission-reports = Rapporten
permission-portal-owner = Mijn Omgeving Eigenaren
permission-portal-guest = Mijn Omgeving Gasten

field-confirm_required = Vink het vakje aan om te bevestigen.
field-not_a_number = Vul een geheel getal in.
field-invalid_date = Vul een datum in zoals 2026-03-01.
field-before_from = Deze datum mag niet vóór de eerste liggen.
field-same_person = Een persoon kan niet met zichzelf worden samengevoegd.

console-event-access = Toegang: alles
console-event-person = Personen: alles
console-event-role = Rollen: alles
console-event-branch = Filialen: alles
console-event-import = Imports: alles
console-event-person-merged = Twee personen samengevoegd
console-event-person-deleted = Persoon verwijderd
console-event-role-created = Rol aangemaakt
console-event-role-updated = Rechten van een rol gewijzigd
console-event-role-deleted = Rol verwijderd
console-event-branch-created = Filiaal toegevoegd
console-event-branch-renamed = Filiaal hernoemd
console-event-branch-deleted = Filiaal verwijderd
console-event-tenant-updated = Instellingen gewijzigd
