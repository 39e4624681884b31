# Texts of the first-run setup page (/setup/{token}).

setup-title = Set up Keyrack
setup-intro = Welcome. Create your first organisation and its administrator. You can add people, branches and more organisations afterwards.
setup-tenant-heading = Your organisation
setup-tenant-name = Organisation name
setup-tenant-slug = Web address name
setup-tenant-slug-hint = Lower-case letters, digits and hyphens; it becomes part of the address, as in /t/my-park/login.
setup-tenant-language = Default language
setup-admin-heading = The administrator
setup-admin-intro = This person manages everything in the organisation. That is probably you.
setup-first-name = First name
setup-last-name = Last name
setup-email = E-mail address
setup-username = Username
setup-username-hint = Leave empty to sign in with the e-mail address.
setup-password = Password
setup-password-again = Password again
setup-submit = Create and sign in
setup-invalid-title = This setup link cannot be used
setup-invalid-body = The link is not complete, it has expired, or a newer one was printed. Restart Keyrack on the server: while no organisation exists, it prints a new setup link each time it starts.
setup-done-title = Keyrack is already set up
setup-done-body = The first organisation exists, so this setup link no longer works. Sign in on your organisation's sign-in page, or ask its administrator for access.
flash-setup-done = Welcome! Your organisation is ready and you are signed in as its administrator.
