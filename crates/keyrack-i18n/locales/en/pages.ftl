# Texts of the self-service pages (sign in, links, forgot password, register, account).

page-skip-to-content = Skip to content
page-language = Language
page-sign-out = Sign out
page-errors-title = Please check the following
page-back-to-login = Back to sign in
page-save = Save

login-title = Sign in
login-username = Username or e-mail address
login-password = Password
login-submit = Sign in
login-forgot = Forgot your password?
login-register = No account yet? Register
login-failed = The username or password is not correct. Check both and try again.

forgot-title = Forgot your password?
forgot-intro = Enter your e-mail address or username. We will send you a link to choose a new password.
forgot-address = E-mail address or username
forgot-submit = Send the link
forgot-sent = If an account belongs to this address, we have sent an e-mail with a link. The link is valid for a limited time. Did nothing arrive? Check your spam folder, or ask the person who manages your access.

register-title = Create an account
register-kind = I am registering as
register-submit = Create account
register-sent = Thank you. Check your e-mail: we have sent you a link to choose your password.
kind-staff = Staff member
kind-owner = Owner
kind-guest = Guest

profile-salutation = Salutation
profile-first-name = First name
profile-last-name = Last name
profile-email = E-mail address
profile-phone = Phone number
profile-language = Language

invite-title = Choose your password
invite-intro = Welcome! Choose a password to finish setting up your account.
reset-title = Choose a new password
reset-intro = Choose a new password for your account.
set-password-new = New password
set-password-again = New password again
set-password-submit = Save password
password-mismatch = The two passwords are not the same.
password-wrong_password = This is not your current password.
password-rule-length = Use at least { $min } characters.
password-rule-classes = Mix lower-case and capital letters, digits and a special character.
password-rule-guessable = Avoid names, dates and well-known passwords; a few unrelated words work well.

link-invalid-title = This link can no longer be used
link-invalid-body = The link has already been used, it has expired, or it is not complete. That happens, and nothing is wrong with your account.
link-invalid-new-link = Ask for a new link
account-title = My account
account-password = Password
account-must-change = Please choose a new password of your own before you continue.
account-current-password = Current password
account-change-password = Change password
account-profile = My details
account-notifications = E-mails I receive
account-notifications-intro = Send me e-mails about:
account-sessions = Where I am signed in
account-session-device = Device
account-session-since = Signed in
account-session-seen = Last active
account-session-address = Address
account-session-this = this device
account-sign-out-others = Sign out everywhere else

category-reservations = Reservations
category-invoices = Invoices
category-reminders = Reminders
category-newsletter = Newsletter

flash-signed-in = You are signed in.
flash-must-change-password = You are signed in. Please choose a new password first.
flash-signed-out = You are signed out.
flash-password-set = Your password has been saved and you are signed in.
flash-profile-saved = Your details have been saved.
flash-password-changed = Your password has been changed. You have been signed out on your other devices.
flash-notifications-saved = Your e-mail preferences have been saved.
flash-sessions-ended = You have been signed out everywhere else.

csrf-title = This form has expired
csrf-body = For your security, this form could not be sent. Go back, reload the page and try again.
csrf-again = Reload the page
