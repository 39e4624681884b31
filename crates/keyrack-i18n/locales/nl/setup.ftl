# Teksten van de eerste installatie (/setup/{token}).

setup-title = Keyrack instellen
setup-intro = Welkom. Maak uw eerste organisatie en haar beheerder aan. Personen, filialen en meer organisaties voegt u daarna toe.
setup-tenant-heading = Uw organisatie
setup-tenant-name = Naam van de organisatie
setup-tenant-slug = Naam in het webadres
setup-tenant-slug-hint = Kleine letters, cijfers en koppeltekens; het wordt deel van het adres, zoals in /t/mijn-park/login.
setup-tenant-language = Standaardtaal
setup-admin-heading = De beheerder
setup-admin-intro = Deze persoon beheert alles in de organisatie. Waarschijnlijk bent u dat zelf.
setup-first-name = Voornaam
setup-last-name = Achternaam
setup-email = E-mailadres
setup-username = Gebruikersnaam
setup-username-hint = Laat leeg om met het e-mailadres in te loggen.
setup-password = Wachtwoord
setup-password-again = Wachtwoord nogmaals
setup-submit = Aanmaken en inloggen
setup-invalid-title = Deze installatielink werkt niet
setup-invalid-body = De link is niet volledig, verlopen, of er is een nieuwere getoond. Start Keyrack opnieuw op de server: zolang er geen organisatie is, toont het bij elke start een nieuwe installatielink.
setup-done-title = Keyrack is al ingesteld
setup-done-body = De eerste organisatie bestaat al, dus deze installatielink werkt niet meer. Log in op de inlogpagina van uw organisatie, of vraag de beheerder om toegang.
flash-setup-done = Welkom! Uw organisatie is klaar en u bent ingelogd als beheerder.
