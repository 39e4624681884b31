# Keyrack's texts, Romanian ("dumneavoastră"), with ș and ț written with the comma below.
# Reservio's words where it has them: acordați acces, retrageți accesul, e-mail de invitație.
# Numbers from 20 on take "de" before the noun ("20 de minute"): the plural category `other`.

## Access states

state-none = Fără acces
state-granted = Da (fără parolă)
state-invited = Da (invitație trimisă)
state-active = Da
state-reset_pending = Da (resetare trimisă)
state-reset_requested = Da (resetare solicitată)
state-blocked = Da (acces blocat)

## Actions

action-grant = Acordați acces
action-invite = Trimiteți invitația
action-resend-invitation = Retrimiteți invitația
action-block = Blocați accesul
action-unblock = Deblocați accesul
action-remove = Retrageți accesul
action-reset = Resetați parola
action-set-password = Setați parola
action-generate-password = Generați o parolă
action-change-password = Schimbați parola
action-forgot = Ați uitat parola?

## Password refusals

password-required = Introduceți o parolă.
password-too_short =
    Parola trebuie să aibă cel puțin { $min ->
        [one] un caracter
        [few] { $min } caractere
       *[other] { $min } de caractere
    }.
password-too_long =
    Parola poate avea cel mult { $max ->
        [one] un caracter
        [few] { $max } caractere
       *[other] { $max } de caractere
    }.
password-needs_lowercase = Parola trebuie să conțină cel puțin o literă mică.
password-needs_uppercase = Parola trebuie să conțină cel puțin o literă mare.
password-needs_digit = Parola trebuie să conțină cel puțin o cifră.
password-needs_symbol = Parola trebuie să conțină cel puțin un caracter special, de exemplu ! sau #.
password-too_guessable = Această parolă este prea ușor de ghicit. Alegeți una mai lungă, de exemplu câteva cuvinte fără legătură între ele.
password-contains_username = Parola nu poate conține numele de utilizator.
password-contains_email = Parola nu poate conține adresa de e-mail.
password-ambiguous = Introduceți o parolă sau generați una, nu pe amândouă.

## Other input refusals

field-required = Acest câmp este obligatoriu.
field-too_long =
    Acest câmp poate avea cel mult { $max ->
        [one] un caracter
        [few] { $max } caractere
       *[other] { $max } de caractere
    }.
field-invalid_email = Aceasta nu este o adresă de e-mail validă.
field-invalid_choice = Alegeți una dintre opțiunile oferite.
field-invalid_phone = Introduceți un număr de telefon cu 5 până la 20 de cifre.
field-taken = Această valoare este deja folosită; alegeți alta.
field-invalid_slug = Folosiți între 2 și 63 de litere mici, cifre și cratime, fără cratimă la început sau la sfârșit.
field-invalid_username = Numele de utilizator nu poate conține spații.
field-invalid_characters = Valoarea conține caractere care nu sunt permise.
field-invalid_permission = Numele unei permisiuni este format din litere mici, cifre, puncte și caractere de subliniere.
field-invalid_role_name = Numele unui rol este format din 1 până la 64 de litere mici, cifre, cratime și caractere de subliniere.
field-invalid_branches = Alegeți toate locațiile sau o listă de locații.
field-unknown_branch = Această locație nu (mai) există.
field-unknown_category = Această categorie de e-mailuri nu există.
field-unknown_permission = Permisiunea „{ $permission }” nu există.
field-unknown_role = Acest rol nu există.
field-name_required = Introduceți un prenume, un nume sau o adresă de e-mail.
field-out_of_range = Valoarea este în afara intervalului permis.
field-cannot_grant = Nu puteți acorda acest lucru: propriul dumneavoastră acces nu îl include.

## Diagnosis

diagnosis-ok = Se poate autentifica.
diagnosis-ok-with-last_login_on = Se poate autentifica. Ultima autentificare: { $last_login_on }.
diagnosis-no_access = Nu se poate autentifica: această persoană nu are acces. Acordați mai întâi acces.
diagnosis-blocked = Nu se poate autentifica: accesul este blocat. Deblocați accesul pentru a reveni la starea anterioară.
diagnosis-no_password = Nu se poate autentifica: nu a fost setată încă nicio parolă. Trimiteți o invitație sau setați o parolă.
diagnosis-invitation_pending = Nu se poate autentifica încă: invitația este valabilă până la { $expires_on }, dar încă nu a fost aleasă nicio parolă.
diagnosis-invitation_pending-with-sent_on = Nu se poate autentifica încă: invitația trimisă pe { $sent_on } este valabilă până la { $expires_on }, dar încă nu a fost aleasă nicio parolă.
diagnosis-invitation_expired = Nu se poate autentifica: invitația a expirat pe { $expired_on }. Trimiteți una nouă.
diagnosis-invitation_expired-with-sent_on = Nu se poate autentifica: invitația trimisă pe { $sent_on } a expirat pe { $expired_on }. Trimiteți una nouă.
diagnosis-invitation_missing = Nu se poate autentifica: nu există niciun link de invitație valabil. Trimiteți o invitație nouă.
diagnosis-reset_pending = Nu se poate autentifica: un administrator a resetat parola. Persoana trebuie să aleagă una nouă prin linkul de resetare, valabil până la { $expires_on }.
diagnosis-reset_expired = Nu se poate autentifica: parola a fost resetată și nu există niciun link de resetare valabil. Resetați din nou parola sau setați una.
diagnosis-reset_expired-with-expired_on = Nu se poate autentifica: parola a fost resetată, iar linkul de resetare a expirat pe { $expired_on }. Resetați din nou parola sau setați una.
diagnosis-reset_requested = Persoana a solicitat o parolă nouă; parola actuală funcționează în continuare până când este aleasă una nouă.
diagnosis-reset_requested-with-expires_on = Persoana a solicitat o parolă nouă (linkul este valabil până la { $expires_on }); parola actuală funcționează în continuare până când este aleasă una nouă.
diagnosis-module_off = Nu se poate autentifica: modulul pentru acest tip de persoane este dezactivat în setări.
diagnosis-locked =
    Nu se poate autentifica momentan: după încercări eșuate, autentificarea este suspendată încă { $minutes ->
        [one] un minut
        [few] { $minutes } minute
       *[other] { $minutes } de minute
    }. Suspendarea se încheie de la sine.
diagnosis-must_change_password = Trebuie să aleagă o parolă nouă la următoarea autentificare.
diagnosis-email_shared =
    Adresa de e-mail este folosită și de { $count ->
        [one] o altă persoană
        [few] alte { $count } persoane
       *[other] alte { $count } de persoane
    } cu acces. Un e-mail „Ați uitat parola?” listează fiecare cont cu propriul link. Unificați persoanele sau schimbați una dintre adrese.
diagnosis-never_logged_in = Nu s-a autentificat niciodată.

## E-mails, shared parts

mail-greeting = Bună ziua, { $person_name },
mail-greeting-anonymous = Bună ziua,
mail-sign-off = Cu stimă,
mail-link-fallback = Dacă butonul nu funcționează, copiați această adresă în browser:
mail-username = Numele dumneavoastră de utilizator: { $username }
mail-link-valid-days =
    Linkul poate fi folosit o singură dată și este valabil { $count ->
        [one] o zi
        [few] { $count } zile
       *[other] { $count } de zile
    }.
mail-link-valid-hours =
    Linkul poate fi folosit o singură dată și este valabil { $count ->
        [one] o oră
        [few] { $count } ore
       *[other] { $count } de ore
    }.
mail-link-valid-minutes =
    Linkul poate fi folosit o singură dată și este valabil { $count ->
        [one] un minut
        [few] { $count } minute
       *[other] { $count } de minute
    }.
mail-links-valid-days =
    Fiecare link poate fi folosit o singură dată și este valabil { $count ->
        [one] o zi
        [few] { $count } zile
       *[other] { $count } de zile
    }.
mail-links-valid-hours =
    Fiecare link poate fi folosit o singură dată și este valabil { $count ->
        [one] o oră
        [few] { $count } ore
       *[other] { $count } de ore
    }.
mail-links-valid-minutes =
    Fiecare link poate fi folosit o singură dată și este valabil { $count ->
        [one] un minut
        [few] { $count } minute
       *[other] { $count } de minute
    }.

## E-mail: invitation

mail-invitation-subject = Accesul dumneavoastră la { $tenant_name }
mail-invitation-intro = { $tenant_name } v-a acordat acces. Alegeți mai întâi parola; apoi vă veți autentifica cu numele de utilizator și această parolă.
mail-invitation-action = Alegeți parola
mail-invitation-unexpected = Nu vă așteptați la această invitație? Atunci puteți ignora acest e-mail: fără parolă, nimeni nu se poate autentifica în acest cont.

## E-mail: reset

mail-reset-subject = Alegeți o parolă nouă pentru { $tenant_name }
mail-reset-intro = S-a solicitat o parolă nouă pentru contul dumneavoastră la { $tenant_name }. Alegeți-o folosind linkul de mai jos.
mail-reset-action = Alegeți o parolă nouă
mail-reset-unexpected = Nu ați solicitat o parolă nouă? Vă rugăm să anunțați { $tenant_name }.

## E-mail: forgotten password for a shared address

mail-forgot_shared-subject = Conturile dumneavoastră la { $tenant_name }
mail-forgot_shared-intro = Ați solicitat o parolă nouă la { $tenant_name }. Această adresă de e-mail aparține mai multor conturi; mai jos găsiți fiecare cont cu propriul link. Alegeți contul a cărui parolă doriți să o schimbați.
mail-forgot_shared-account = { $person_name } (nume de utilizator: { $username })
mail-forgot_shared-action = Alegeți o parolă nouă pentru { $username }
mail-forgot_shared-merge = Dacă aceste conturi aparțin unei singure persoane, { $tenant_name } le poate unifica, astfel încât să vă ajungă o singură parolă.
mail-forgot_shared-unexpected = Nu ați solicitat o parolă nouă? Atunci puteți ignora acest e-mail: parolele dumneavoastră rămân neschimbate.
