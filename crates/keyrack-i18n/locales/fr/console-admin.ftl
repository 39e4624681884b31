# Textes des pages d'administration de la console : adresses partagées et fusion, rôles,
# filiales, paramètres, historique.

admin-shared-title = Adresses e-mail partagées
admin-shared-intro = Ces personnes partagent une adresse e-mail : un e-mail de mot de passe oublié ne peut donc pas être destiné à l'une d'elles seulement. S'il s'agit de la même personne, fusionnez-les ; sinon, donnez une autre adresse à l'une d'elles.
admin-shared-none = Aucune adresse e-mail n'est utilisée par plus d'une personne.
admin-shared-count = { $count ->
    [one] { $count } personne
   *[other] { $count } personnes
  }
admin-merge-with = Fusionner avec { $name }
admin-change-address = Changer l'adresse
admin-address-new = Nouvelle adresse e-mail
admin-address-save = Enregistrer l'adresse
admin-merge-title = Fusionner deux personnes
admin-merge-intro = La personne que vous gardez reste ; l'autre est supprimée. Choisissez pour chaque champ la valeur à garder. L'historique des deux est conservé et affiché avec la personne que vous gardez.
admin-merge-keep = Garder
admin-merge-field = Champ
admin-merge-login = Identifiant
admin-merge-login-none = Pas d'identifiant
admin-merge-login-help = Un seul identifiant peut rester. L'autre prend fin : ses sessions et ses liens cessent aussitôt de fonctionner.
admin-merge-confirm = Je comprends que { $name } sera supprimé(e) et ne pourra pas être restauré(e).
admin-merge-submit = Fusionner ces personnes
admin-merge-survivor = Personne à garder
admin-merge-swap = Garder plutôt l'autre personne
admin-field-kind = Type
admin-field-email = Adresse e-mail
admin-field-phones = Numéros de téléphone
admin-field-notifications = Catégories d'e-mails
admin-field-username = Identifiant
admin-empty = (vide)
flash-merged = Les deux personnes n'en font plus qu'une.
flash-address-changed = L'adresse e-mail a été modifiée.

admin-roles-title = Rôles
admin-roles-intro = Un rôle est un ensemble d'autorisations. Donnez à chacun le rôle qui correspond à son travail.
admin-role-name = Nom
admin-role-holders = { $count ->
    [one] { $count } personne
   *[other] { $count } personnes
  }
admin-role-builtin = prédéfini
admin-role-fixed = Le rôle administrateur a toujours toutes les autorisations dans toutes les filiales. Il ne peut pas être modifié.
admin-role-new = Nouveau rôle
admin-role-create = Créer le rôle
admin-role-save = Enregistrer les autorisations
admin-role-edit = Modifier les autorisations
admin-role-delete = Supprimer le rôle
admin-role-delete-confirm = Supprimer le rôle { $name } ? Cette action est définitive.
admin-role-delete-in-use = Personne ne peut avoir un rôle supprimé : donnez d'abord un autre rôle à ces personnes.
admin-permissions-keyrack = Gérer Keyrack
admin-permissions-catalogue = Dans vos applications
flash-role-created = Le rôle a été créé.
flash-role-saved = Les autorisations ont été enregistrées.
flash-role-deleted = Le rôle a été supprimé.

admin-branches-title = Filiales
admin-branches-intro = Les filiales sont les établissements de votre entreprise. Une personne peut être limitée à certaines filiales.
admin-branch-name = Nom
admin-branch-in-scope = { $count ->
    [0] personne n'a accès à cette filiale
    [one] 1 personne a accès à cette filiale
   *[other] { $count } personnes ont accès à cette filiale
  }
admin-branch-create = Ajouter une filiale
admin-branch-rename = Renommer
admin-branch-delete = Supprimer
admin-branch-delete-confirm = Supprimer la filiale { $name } ? { $count ->
    [0] Personne n'y a accès.
    [one] 1 personne en perd l'accès.
   *[other] { $count } personnes en perdent l'accès.
  }
flash-branch-created = La filiale a été ajoutée.
flash-branch-renamed = La filiale a été renommée.
flash-branch-deleted = La filiale a été supprimée.

admin-settings-title = Paramètres
admin-settings-general = Général
admin-settings-name = Nom de votre organisation
admin-settings-language = Langue par défaut
admin-settings-language-hint = Les nouvelles personnes reçoivent leurs e-mails dans cette langue jusqu’à ce qu’une autre soit choisie pour elles ; les pages l’utilisent quand un navigateur ne demande aucune des cinq.
admin-settings-password = Mots de passe
admin-settings-preset = Règles des mots de passe
admin-settings-preset-default = Recommandé : mots de passe longs (au moins 15 caractères), aucun mélange de caractères imposé, mots de passe courants et faciles à deviner refusés
admin-settings-preset-classic = Classique : au moins 8 caractères avec un chiffre, un caractère spécial, une majuscule et une minuscule. Moins sûr que les règles recommandées.
admin-settings-min-length = Longueur minimale
admin-settings-classes = Types de caractères exigés
admin-settings-lower = une minuscule
admin-settings-upper = une majuscule
admin-settings-digit = un chiffre
admin-settings-special = un caractère spécial
admin-settings-min-score = Robustesse minimale (0 à 4 ; 3 recommandé)
admin-settings-registration = Inscription libre
admin-settings-registration-intro = Qui peut créer son propre compte sur la page de connexion :
admin-settings-links = Liens dans les e-mails
admin-settings-invitation-hours = Une invitation reste valable (heures)
admin-settings-reset-minutes = Un lien de réinitialisation du mot de passe reste valable (minutes)
admin-settings-modules = Modules activés
admin-settings-modules-intro = Quels types de personnes peuvent recevoir un accès :
admin-module-staff = Personnel
admin-module-owners = Propriétaires
admin-module-guests = Clients
flash-settings-saved = Les paramètres ont été enregistrés.

admin-audit-title = Historique
admin-audit-intro = Tout ce qui a été fait, par qui et quand, du plus récent au plus ancien.
admin-audit-who = Qui
admin-audit-action = Opération
admin-audit-action-any = Toute action
admin-audit-person = Concernant la personne
admin-audit-from = Du
admin-audit-to = Au
admin-audit-filter = Afficher
admin-audit-clear = Effacer les filtres
admin-audit-when = Quand
admin-audit-about = Concernant
admin-audit-changes = Modifications
admin-audit-none = Rien ne correspond à ces filtres.
admin-audit-next = Événements plus anciens
admin-audit-from-address = depuis { $address }

permission-people-view = Voir les personnes
permission-people-manage = Ajouter et modifier des personnes
permission-access-manage = Donner, bloquer et retirer l'accès ; définir les mots de passe
permission-roles-manage = Gérer les rôles
permission-settings-manage = Modifier les paramètres et les filiales
permission-audit-view = Voir l'historique
permission-import-export = Importer et exporter des tableurs
permission-appointments-own = Ses propres rendez-vous
permission-appointments-all = Tous les rendez-vous
permission-clients = Liste des clients
permission-sales = Ventes
permission-online-booking = Réservation en ligne
permission-settings = Paramètres de l'application
permission-helpdesk = Assistance (helpdesk)
permission-reports = Rapports
permission-portal-owner = Portail des propriétaires
permission-portal-guest = Portail des clients

field-confirm_required = Cochez la case pour confirmer.
field-not_a_number = Saisissez un nombre entier.
field-invalid_date = Saisissez une date comme 2026-03-01.
field-before_from = Cette date ne peut pas précéder la première.
field-same_person = Une personne ne peut pas être fusionnée avec elle-même.

console-event-access = Accès : tout
console-event-person = Personnes : tout
console-event-role = Rôles : tout
console-event-branch = Filiales : tout
console-event-import = Importations : tout
console-event-person-merged = Deux personnes fusionnées
console-event-person-deleted = Personne supprimée
console-event-role-created = Rôle créé
console-event-role-updated = Autorisations d'un rôle modifiées
console-event-role-deleted = Rôle supprimé
console-event-branch-created = Filiale ajoutée
console-event-branch-renamed = Filiale renommée
console-event-branch-deleted = Filiale supprimée
console-event-tenant-updated = Paramètres modifiés
