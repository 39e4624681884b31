# Textes des pages en libre-service (connexion, liens, mot de passe oublié, inscription, compte).

page-skip-to-content = Aller au contenu
page-language = Langue
page-sign-out = Se déconnecter
page-errors-title = Veuillez vérifier les points suivants
page-back-to-login = Retour à la connexion
page-save = Enregistrer

login-title = Connexion
login-username = Nom d’utilisateur ou adresse e-mail
login-password = Mot de passe
login-submit = Se connecter
login-forgot = Mot de passe oublié ?
login-register = Pas encore de compte ? Inscrivez-vous
login-failed = Le nom d’utilisateur ou le mot de passe est incorrect. Vérifiez les deux et réessayez.

forgot-title = Mot de passe oublié ?
forgot-intro = Indiquez votre adresse e-mail ou votre nom d’utilisateur. Vous recevrez un lien pour choisir un nouveau mot de passe.
forgot-address = Adresse e-mail ou nom d’utilisateur
forgot-submit = Envoyer le lien
forgot-sent = Si un compte correspond à cette adresse, nous vous avons envoyé un e-mail contenant un lien. Ce lien n’est valable que pour une durée limitée. Rien reçu ? Consultez vos courriers indésirables ou adressez-vous à la personne qui gère votre accès.

register-title = Créer un compte
register-kind = Je m’inscris en tant que
register-submit = Créer le compte
register-sent = Merci. Consultez votre messagerie : nous vous avons envoyé un lien pour choisir votre mot de passe.
kind-staff = Membre du personnel
kind-owner = Propriétaire
kind-guest = Client

profile-salutation = Civilité
profile-first-name = Prénom
profile-last-name = Nom
profile-email = Adresse e-mail
profile-phone = Numéro de téléphone
profile-language = Langue

invite-title = Choisissez votre mot de passe
invite-intro = Bienvenue ! Choisissez un mot de passe pour finaliser votre compte.
reset-title = Choisissez un nouveau mot de passe
reset-intro = Choisissez un nouveau mot de passe pour votre compte.
set-password-new = Nouveau mot de passe
set-password-again = Confirmez le nouveau mot de passe
set-password-submit = Enregistrer le mot de passe
password-mismatch = Les deux mots de passe ne sont pas identiques.
password-wrong_password = Ce n’est pas votre mot de passe actuel.
password-rule-length = Utilisez au moins { $min } caractères.
password-rule-classes = Combinez minuscules, majuscules, chiffres et un caractère spécial.
password-rule-guessable = Évitez les noms, les dates et les mots de passe connus ; quelques mots sans rapport entre eux font très bien l’affaire.

link-invalid-title = Ce lien n’est plus valable
link-invalid-body = Le lien a déjà été utilisé, il a expiré ou il est incomplet. Cela arrive, et votre compte n’a aucun problème.
link-invalid-new-link = Demander un nouveau lien
account-title = Mon compte
account-password = Mot de passe
account-must-change = Veuillez d’abord choisir votre propre nouveau mot de passe.
account-current-password = Mot de passe actuel
account-change-password = Modifier le mot de passe
account-profile = Mes coordonnées
account-notifications = E-mails que je reçois
account-notifications-intro = Envoyez-moi des e-mails concernant :
account-sessions = Où je suis connecté
account-session-device = Appareil
account-session-since = Connecté le
account-session-seen = Dernière activité
account-session-address = Adresse
account-session-this = cet appareil
account-sign-out-others = Me déconnecter partout ailleurs

category-reservations = Réservations
category-invoices = Factures
category-reminders = Rappels
category-newsletter = Lettre d’information

flash-signed-in = Vous êtes connecté.
flash-must-change-password = Vous êtes connecté. Veuillez d’abord choisir un nouveau mot de passe.
flash-signed-out = Vous êtes déconnecté.
flash-password-set = Votre mot de passe est enregistré et vous êtes connecté.
flash-profile-saved = Vos coordonnées ont été enregistrées.
flash-password-changed = Votre mot de passe a été modifié. Vous avez été déconnecté de vos autres appareils.
flash-notifications-saved = Vos préférences d’e-mail ont été enregistrées.
flash-sessions-ended = Vous avez été déconnecté partout ailleurs.

csrf-title = Ce formulaire a expiré
csrf-body = Pour votre sécurité, ce formulaire n’a pas pu être envoyé. Revenez en arrière, rechargez la page et réessayez.
csrf-again = Recharger la page
