# Textele primei configurări (/setup/{token}).

setup-title = Configurați Keyrack
setup-intro = Bine ați venit. Creați prima organizație și administratorul ei. Persoanele, filialele și alte organizații le adăugați după aceea.
setup-tenant-heading = Organizația dumneavoastră
setup-tenant-name = Numele organizației
setup-tenant-slug = Numele din adresa web
setup-tenant-slug-hint = Litere mici, cifre și cratime; devine parte din adresă, ca în /t/parcul-meu/login.
setup-tenant-language = Limba implicită
setup-admin-heading = Administratorul
setup-admin-intro = Această persoană gestionează totul în organizație. Probabil sunteți chiar dumneavoastră.
setup-first-name = Prenume
setup-last-name = Nume de familie
setup-email = Adresă de e-mail
setup-username = Nume de utilizator
setup-username-hint = Lăsați gol pentru a vă autentifica cu adresa de e-mail.
setup-password = Parolă
setup-password-again = Parola din nou
setup-submit = Creați și autentificați-vă
setup-invalid-title = Acest link de configurare nu funcționează
setup-invalid-body = Linkul este incomplet, a expirat sau a fost afișat unul mai nou. Reporniți Keyrack pe server: cât timp nu există nicio organizație, afișează un nou link de configurare la fiecare pornire.
setup-done-title = Keyrack este deja configurat
setup-done-body = Prima organizație există deja, deci acest link de configurare nu mai funcționează. Autentificați-vă pe pagina de autentificare a organizației sau cereți acces administratorului ei.
flash-setup-done = Bine ați venit! Organizația este gata și sunteți autentificat ca administrator.
