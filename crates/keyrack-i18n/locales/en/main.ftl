# Keyrack's texts, English: the reference catalogue. nl, de, fr and ro have exactly these keys
# (a test checks it), and use no variable that the English message does not receive.
#
# Keys are grouped by prefix:
#   state-<access state>        labels of SPEC §3
#   action-<action>             buttons, in the words of the help-centre articles
#   password-<code>             password refusals (keyrack-core password.rs)
#   field-<code>                other input refusals (keyrack-core types.rs, keyrack-app)
#   diagnosis-<code>            why a person can or cannot log in (keyrack-core diagnosis.rs)
#   mail-…                      the e-mails
#
# Where a sentence changes with an optional value, the message with the value is named
# <key>-with-<param>; keyrack_i18n::reason picks it when the value is there.

## Access states

state-none = No access
state-granted = Yes (no password)
state-invited = Yes (invited)
state-active = Yes
state-reset_pending = Yes (password reset sent)
state-reset_requested = Yes (reset requested)
state-blocked = Yes (blocked)

## Actions

action-grant = Grant access
action-invite = Send invitation
action-resend-invitation = Send invitation again
action-block = Block access
action-unblock = Unblock access
action-remove = Remove access
action-reset = Reset password
action-set-password = Set password
action-generate-password = Generate password
action-change-password = Change password
action-forgot = Forgot your password?

## Password refusals

password-required = Enter a password.
password-too_short = The password must be at least { $min } characters long.
password-too_long = The password can be at most { $max } characters long.
password-needs_lowercase = The password must contain a lower-case letter.
password-needs_uppercase = The password must contain a capital letter.
password-needs_digit = The password must contain a digit.
password-needs_symbol = The password must contain a special character, such as ! or #.
password-too_guessable = This password is too easy to guess. Choose a longer one, for example a few words that have nothing to do with each other.
password-contains_username = The password must not contain the username.
password-contains_email = The password must not contain the e-mail address.
password-ambiguous = Enter a password or have one generated, not both.

## Other input refusals

field-required = This field is required.
field-too_long = This can be at most { $max } characters long.
field-invalid_email = This is not a valid e-mail address.
field-invalid_choice = Choose one of the options offered.
field-invalid_phone = Enter a phone number of 5 to 20 digits.
field-taken = This is already in use; choose another.
field-invalid_slug = Use 2 to 63 lower-case letters, digits and hyphens, with no hyphen at the start or the end.
field-invalid_username = A username cannot contain spaces.
field-invalid_characters = This contains characters that are not allowed.
field-invalid_permission = A permission name consists of lower-case letters, digits, dots and underscores.
field-invalid_role_name = A role name consists of 1 to 64 lower-case letters, digits, hyphens and underscores.
field-invalid_branches = Choose all branches or a list of branches.
field-unknown_branch = This branch does not exist (any more).
field-unknown_category = This e-mail category does not exist.
field-unknown_permission = The permission “{ $permission }” does not exist.
field-unknown_role = This role does not exist.
field-name_required = Enter a first name, a last name or an e-mail address.
field-out_of_range = This value is outside the allowed range.
field-cannot_grant = You cannot grant this: your own access does not include it.

## Diagnosis: why this person can or cannot log in right now (read by an administrator)

diagnosis-ok = Can log in.
diagnosis-ok-with-last_login_on = Can log in. Last login on { $last_login_on }.
diagnosis-no_access = Cannot log in: this person has no access. Grant access first.
diagnosis-blocked = Cannot log in: access is blocked. Unblock access to return to the previous state.
diagnosis-no_password = Cannot log in: no password has been set. Send an invitation or set a password.
diagnosis-invitation_pending = Cannot log in yet: the invitation is valid until { $expires_on }, but no password has been chosen yet.
diagnosis-invitation_pending-with-sent_on = Cannot log in yet: the invitation sent on { $sent_on } is valid until { $expires_on }, but no password has been chosen yet.
diagnosis-invitation_expired = Cannot log in: the invitation expired on { $expired_on }. Send a new one.
diagnosis-invitation_expired-with-sent_on = Cannot log in: the invitation sent on { $sent_on } expired on { $expired_on }. Send a new one.
diagnosis-invitation_missing = Cannot log in: there is no valid invitation link. Send a new invitation.
diagnosis-reset_pending = Cannot log in: an administrator reset the password. The person must choose a new one through the reset link, which is valid until { $expires_on }.
diagnosis-reset_expired = Cannot log in: the password was reset and there is no valid reset link. Reset the password again, or set one.
diagnosis-reset_expired-with-expired_on = Cannot log in: the password was reset and the reset link expired on { $expired_on }. Reset the password again, or set one.
diagnosis-reset_requested = The person asked for a new password; the current password keeps working until a new one is chosen.
diagnosis-reset_requested-with-expires_on = The person asked for a new password (the link is valid until { $expires_on }); the current password keeps working until a new one is chosen.
diagnosis-module_off = Cannot log in: the module for this kind of person is switched off in the settings.
diagnosis-locked =
    Cannot log in right now: locked for { $minutes ->
        [one] one more minute
       *[other] { $minutes } more minutes
    } after failed attempts. The lock ends by itself.
diagnosis-must_change_password = Must choose a new password at the next login.
diagnosis-email_shared =
    The e-mail address is shared with { $count ->
        [one] one other person
       *[other] { $count } other people
    } with access. A forgotten-password e-mail lists each account with its own link. Consider merging the people or changing an address.
diagnosis-never_logged_in = Has never logged in.

## E-mails, shared parts

mail-greeting = Hello { $person_name },
mail-greeting-anonymous = Hello,
mail-sign-off = Kind regards,
mail-link-fallback = If the button does not work, copy this address into your browser:
mail-username = Your username: { $username }
mail-link-valid-days =
    The link works once and is valid for { $count ->
        [one] one day
       *[other] { $count } days
    }.
mail-link-valid-hours =
    The link works once and is valid for { $count ->
        [one] one hour
       *[other] { $count } hours
    }.
mail-link-valid-minutes =
    The link works once and is valid for { $count ->
        [one] one minute
       *[other] { $count } minutes
    }.
mail-links-valid-days =
    Each link works once and is valid for { $count ->
        [one] one day
       *[other] { $count } days
    }.
mail-links-valid-hours =
    Each link works once and is valid for { $count ->
        [one] one hour
       *[other] { $count } hours
    }.
mail-links-valid-minutes =
    Each link works once and is valid for { $count ->
        [one] one minute
       *[other] { $count } minutes
    }.

## E-mail: invitation (set a first password)

mail-invitation-subject = Your access to { $tenant_name }
mail-invitation-intro = { $tenant_name } has given you access. First choose your password; after that, you log in with your username and that password.
mail-invitation-action = Choose your password
mail-invitation-unexpected = Were you not expecting this invitation? Then you can ignore this e-mail: without a password, nobody can log in to this account.

## E-mail: reset (choose a new password)

mail-reset-subject = Choose a new password for { $tenant_name }
mail-reset-intro = A new password has been requested for your account at { $tenant_name }. Choose it with the link below.
mail-reset-action = Choose a new password
mail-reset-unexpected = Did you not ask for a new password? Then please let { $tenant_name } know.

## E-mail: forgotten password for an address that several accounts share (SPEC §3 rule 4)

mail-forgot_shared-subject = Your accounts at { $tenant_name }
mail-forgot_shared-intro = You asked for a new password at { $tenant_name }. Several accounts use this e-mail address, so each one is listed below with its own link. Choose the account whose password you want to change.
mail-forgot_shared-account = { $person_name } (username: { $username })
mail-forgot_shared-action = Choose a new password for { $username }
mail-forgot_shared-merge = If these accounts belong to one person, { $tenant_name } can merge them, so that one password is enough.
mail-forgot_shared-unexpected = Did you not ask for a new password? Then you can ignore this e-mail: your passwords stay as they are.
