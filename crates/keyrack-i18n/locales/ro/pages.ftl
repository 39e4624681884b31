# Textele paginilor de autoservire (autentificare, linkuri, parolă uitată, înregistrare, cont).

page-skip-to-content = Salt la conținut
page-language = Limbă
page-sign-out = Deconectare
page-errors-title = Vă rugăm să verificați următoarele
page-back-to-login = Înapoi la autentificare
page-save = Salvează

login-title = Autentificare
login-username = Nume de utilizator sau adresă de e-mail
login-password = Parolă
login-submit = Autentificare
login-forgot = Ați uitat parola?
login-register = Nu aveți încă un cont? Înregistrați-vă
login-failed = Numele de utilizator sau parola nu sunt corecte. Verificați-le pe amândouă și încercați din nou.

forgot-title = Ați uitat parola?
forgot-intro = Introduceți adresa de e-mail sau numele de utilizator. Veți primi un link cu care vă alegeți o parolă nouă.
forgot-address = Adresă de e-mail sau nume de utilizator
forgot-submit = Trimite linkul
forgot-sent = Dacă există un cont asociat acestei adrese, v-am trimis un e-mail cu un link. Linkul este valabil pentru o perioadă limitată. Nu ați primit nimic? Verificați dosarul de spam sau adresați-vă persoanei care vă administrează accesul.

register-title = Creați un cont
register-kind = Mă înregistrez ca
register-submit = Creează contul
register-sent = Vă mulțumim. Verificați-vă e-mailul: v-am trimis un link cu care vă alegeți parola.
kind-staff = Angajat
kind-owner = Proprietar
kind-guest = Oaspete

profile-salutation = Formulă de adresare
profile-first-name = Prenume
profile-last-name = Nume
profile-email = Adresă de e-mail
profile-phone = Număr de telefon
profile-language = Limbă

invite-title = Alegeți-vă parola
invite-intro = Bun venit! Alegeți o parolă pentru a finaliza configurarea contului.
reset-title = Alegeți o parolă nouă
reset-intro = Alegeți o parolă nouă pentru contul dumneavoastră.
set-password-new = Parolă nouă
set-password-again = Repetați parola nouă
set-password-submit = Salvează parola
password-mismatch = Cele două parole nu sunt identice.
password-wrong_password = Aceasta nu este parola dumneavoastră actuală.
password-rule-length = Folosiți cel puțin { $min } caractere.
password-rule-classes = Combinați litere mici și mari, cifre și un caracter special.
password-rule-guessable = Evitați nume, date și parole cunoscute; câteva cuvinte fără legătură între ele funcționează bine.

link-invalid-title = Acest link nu mai poate fi folosit
link-invalid-body = Linkul a fost deja folosit, a expirat sau este incomplet. Se mai întâmplă, iar contul dumneavoastră este în regulă.
link-invalid-new-link = Cereți un link nou
account-title = Contul meu
account-password = Parolă
account-must-change = Vă rugăm să vă alegeți mai întâi o parolă nouă, proprie.
account-current-password = Parola actuală
account-change-password = Schimbă parola
account-profile = Datele mele
account-notifications = E-mailuri pe care le primesc
account-notifications-intro = Trimiteți-mi e-mailuri despre:
account-sessions = Unde sunt conectat
account-session-device = Dispozitiv
account-session-since = Conectat la
account-session-seen = Ultima activitate
account-session-address = Adresă
account-session-this = acest dispozitiv
account-sign-out-others = Deconectează-mă de pe celelalte dispozitive

category-reservations = Rezervări
category-invoices = Facturi
category-reminders = Mementouri
category-newsletter = Buletin informativ

flash-signed-in = Sunteți autentificat.
flash-must-change-password = Sunteți autentificat. Vă rugăm să vă alegeți mai întâi o parolă nouă.
flash-signed-out = V-ați deconectat.
flash-password-set = Parola a fost salvată și sunteți autentificat.
flash-profile-saved = Datele dumneavoastră au fost salvate.
flash-password-changed = Parola a fost schimbată. Ați fost deconectat de pe celelalte dispozitive.
flash-notifications-saved = Preferințele de e-mail au fost salvate.
flash-sessions-ended = Ați fost deconectat de pe celelalte dispozitive.

csrf-title = Acest formular a expirat
csrf-body = Pentru siguranța dumneavoastră, formularul nu a putut fi trimis. Reveniți, reîncărcați pagina și încercați din nou.
csrf-again = Reîncarcă pagina
