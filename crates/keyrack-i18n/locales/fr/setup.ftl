# Textes de la première installation (/setup/{token}).

setup-title = Configurer Keyrack
setup-intro = Bienvenue. Créez votre première organisation et son administrateur. Vous ajouterez ensuite les personnes, les établissements et d’autres organisations.
setup-tenant-heading = Votre organisation
setup-tenant-name = Nom de l’organisation
setup-tenant-slug = Nom dans l’adresse web
setup-tenant-slug-hint = Lettres minuscules, chiffres et traits d’union ; il fera partie de l’adresse, comme dans /t/mon-parc/login.
setup-tenant-language = Langue par défaut
setup-admin-heading = L’administrateur
setup-admin-intro = Cette personne gère tout dans l’organisation. C’est probablement vous.
setup-first-name = Prénom
setup-last-name = Nom de famille
setup-email = Adresse e-mail
setup-username = Nom d’utilisateur
setup-username-hint = Laissez vide pour vous connecter avec l’adresse e-mail.
setup-password = Mot de passe
setup-password-again = Confirmer le mot de passe
setup-submit = Créer et se connecter
setup-invalid-title = Ce lien de configuration ne fonctionne pas
setup-invalid-body = Le lien est incomplet, il a expiré, ou un lien plus récent a été affiché. Redémarrez Keyrack sur le serveur : tant qu’aucune organisation n’existe, il affiche un nouveau lien de configuration à chaque démarrage.
setup-done-title = Keyrack est déjà configuré
setup-done-body = La première organisation existe déjà : ce lien de configuration ne fonctionne plus. Connectez-vous sur la page de connexion de votre organisation, ou demandez l’accès à son administrateur.
flash-setup-done = Bienvenue ! Votre organisation est prête et vous êtes connecté en tant qu’administrateur.
