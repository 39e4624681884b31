# Textele paginilor de administrare din consolă: adrese comune și unire, roluri, filiale,
# setări, istoric.

admin-shared-title = Adrese de e-mail comune
admin-shared-intro = Aceste persoane au aceeași adresă de e-mail, deci un e-mail pentru parola uitată nu poate fi destinat doar uneia dintre ele. Dacă sunt aceeași persoană, uniți-le; altfel, dați uneia dintre ele altă adresă.
admin-shared-none = Nicio adresă de e-mail nu este folosită de mai multe persoane.
admin-shared-count = { $count ->
    [one] 1 persoană
    [few] { $count } persoane
   *[other] { $count } de persoane
  }
admin-merge-with = Uniți cu { $name }
admin-change-address = Schimbați adresa
admin-address-new = Adresa de e-mail nouă
admin-address-save = Salvați adresa
admin-merge-title = Uniți două persoane
admin-merge-intro = Persoana pe care o păstrați rămâne; cealaltă este ștearsă. Alegeți pentru fiecare câmp ce valoare păstrați. Istoricul amândurora se păstrează și apare la persoana pe care o păstrați.
admin-merge-keep = Păstrați
admin-merge-field = Câmp
admin-merge-login = Cont de acces
admin-merge-login-none = Fără cont de acces
admin-merge-login-help = Poate rămâne un singur cont de acces. Celălalt se încheie: sesiunile și linkurile lui nu mai funcționează imediat.
admin-merge-confirm = Înțeleg că { $name } va fi șters(ă) și nu poate fi restaurat(ă).
admin-merge-submit = Uniți aceste persoane
admin-merge-survivor = Persoana care rămâne
admin-merge-swap = Păstrați cealaltă persoană
admin-field-kind = Tip
admin-field-email = Adresa de e-mail
admin-field-phones = Numere de telefon
admin-field-notifications = Categorii de e-mail
admin-field-username = Nume de utilizator
admin-empty = (gol)
flash-merged = Cele două persoane sunt acum una.
flash-address-changed = Adresa de e-mail a fost schimbată.

admin-roles-title = Roluri
admin-roles-intro = Un rol este un set de permisiuni. Dați fiecăruia rolul potrivit muncii sale.
admin-role-name = Nume
admin-role-holders = { $count ->
    [one] 1 persoană
    [few] { $count } persoane
   *[other] { $count } de persoane
  }
admin-role-builtin = predefinit
admin-role-fixed = Rolul de administrator are mereu toate permisiunile în toate filialele. Nu poate fi modificat.
admin-role-new = Rol nou
admin-role-create = Creați rolul
admin-role-save = Salvați permisiunile
admin-role-edit = Modificați permisiunile
admin-role-delete = Ștergeți rolul
admin-role-delete-confirm = Ștergeți rolul { $name }? Acțiunea nu poate fi anulată.
admin-role-delete-in-use = Nimeni nu poate avea un rol șters: dați mai întâi acestor persoane alt rol.
admin-permissions-keyrack = Administrarea Keyrack
admin-permissions-catalogue = În aplicațiile dumneavoastră
flash-role-created = Rolul a fost creat.
flash-role-saved = Permisiunile au fost salvate.
flash-role-deleted = Rolul a fost șters.

admin-branches-title = Filiale
admin-branches-intro = Filialele sunt locațiile afacerii dumneavoastră. O persoană poate fi limitată la unele filiale.
admin-branch-name = Nume
admin-branch-in-scope = { $count ->
    [0] nimeni nu are acces la această filială
    [one] 1 persoană are acces la această filială
    [few] { $count } persoane au acces la această filială
   *[other] { $count } de persoane au acces la această filială
  }
admin-branch-create = Adăugați o filială
admin-branch-rename = Redenumiți
admin-branch-delete = Ștergeți
admin-branch-delete-confirm = Ștergeți filiala { $name }? { $count ->
    [0] Nimeni nu are acces la ea.
    [one] 1 persoană pierde accesul la ea.
    [few] { $count } persoane pierd accesul la ea.
   *[other] { $count } de persoane pierd accesul la ea.
  }
flash-branch-created = Filiala a fost adăugată.
flash-branch-renamed = Filiala a fost redenumită.
flash-branch-deleted = Filiala a fost ștearsă.

admin-settings-title = Setări
admin-settings-general = Generalități
admin-settings-name = Numele organizației dumneavoastră
admin-settings-language = Limba implicită
admin-settings-language-hint = Persoanele noi își primesc e-mailurile în această limbă până când li se alege alta; paginile o folosesc când un browser nu cere niciuna dintre cele cinci.
admin-settings-password = Parole
admin-settings-preset = Reguli pentru parole
admin-settings-preset-default = Recomandat: parole lungi (cel puțin 15 caractere), fără combinații obligatorii de caractere, parolele comune și ușor de ghicit sunt refuzate
admin-settings-preset-classic = Clasic: cel puțin 8 caractere, cu o cifră, un caracter special, o majusculă și o literă mică. Mai slab decât regulile recomandate.
admin-settings-min-length = Lungime minimă
admin-settings-classes = Tipuri de caractere obligatorii
admin-settings-lower = o literă mică
admin-settings-upper = o majusculă
admin-settings-digit = o cifră
admin-settings-special = un caracter special
admin-settings-min-score = Putere minimă (0 la 4; 3 recomandat)
admin-settings-registration = Înregistrare proprie
admin-settings-registration-intro = Cine își poate crea singur un cont pe pagina de autentificare:
admin-settings-links = Linkuri în e-mailuri
admin-settings-invitation-hours = O invitație rămâne valabilă (ore)
admin-settings-reset-minutes = Un link de resetare a parolei rămâne valabil (minute)
admin-settings-modules = Module
admin-settings-modules-intro = Ce tipuri de persoane pot primi acces:
admin-module-staff = Personal
admin-module-owners = Proprietari
admin-module-guests = Oaspeți
flash-settings-saved = Setările au fost salvate.

admin-audit-title = Istoric
admin-audit-intro = Tot ce s-a făcut, de cine și când, cele mai noi primele.
admin-audit-who = Cine
admin-audit-action = Acțiune
admin-audit-action-any = Orice acțiune
admin-audit-person = Despre persoana
admin-audit-from = De la
admin-audit-to = Până la
admin-audit-filter = Afișați
admin-audit-clear = Ștergeți filtrele
admin-audit-when = Când
admin-audit-about = Despre
admin-audit-changes = Modificări
admin-audit-none = Nimic nu corespunde acestor filtre.
admin-audit-next = Evenimente mai vechi
admin-audit-from-address = de la { $address }

permission-people-view = Vede persoanele
permission-people-manage = Adaugă și modifică persoane
permission-access-manage = Acordă, blochează și retrage accesul; setează parole
permission-roles-manage = Administrează rolurile
permission-settings-manage = Modifică setările și filialele
permission-audit-view = Vede istoricul
permission-import-export = Importă și exportă foi de calcul
permission-appointments-own = Programările proprii
permission-appointments-all = Toate programările
permission-clients = Lista clienților
permission-sales = Vânzări
permission-online-booking = Programare online
permission-settings = Setările aplicației
permission-helpdesk = Asistență (helpdesk)
permission-reports = Rapoarte
permission-portal-owner = Portalul proprietarilor
permission-portal-guest = Portalul oaspeților

field-confirm_required = Bifați căsuța pentru a confirma.
field-not_a_number = Introduceți un număr întreg.
field-invalid_date = Introduceți o dată precum 2026-03-01.
field-before_from = Această dată nu poate fi înaintea primei.
field-same_person = O persoană nu poate fi unită cu ea însăși.

console-event-access = Acces: tot
console-event-person = Persoane: tot
console-event-role = Roluri: tot
console-event-branch = Filiale: tot
console-event-import = Importuri: tot
console-event-person-merged = Două persoane unite
console-event-person-deleted = Persoană ștearsă
console-event-role-created = Rol creat
console-event-role-updated = Permisiunile unui rol modificate
console-event-role-deleted = Rol șters
console-event-branch-created = Filială adăugată
console-event-branch-renamed = Filială redenumită
console-event-branch-deleted = Filială ștearsă
console-event-tenant-updated = Setări modificate
