# Texts of the console's admin pages: shared addresses and merging, roles, branches, settings,
# the audit log.

admin-shared-title = Shared e-mail addresses
admin-shared-intro = These people share an e-mail address, so a forgotten-password e-mail cannot be meant for one of them alone. If they are the same person, merge them; otherwise give one of them another address.
admin-shared-none = No e-mail address is shared by more than one person.
admin-shared-count = { $count ->
    [one] 1 person
   *[other] { $count } people
  }
admin-merge-with = Merge with { $name }
admin-change-address = Change address
admin-address-new = New e-mail address
admin-address-save = Save address
admin-merge-title = Merge two people
admin-merge-intro = The person you keep stays; the other one is removed. For each field, choose which value to keep. The history of both stays and is shown with the person you keep.
admin-merge-keep = Keep
admin-merge-field = Field
admin-merge-login = Login
admin-merge-login-none = No login
admin-merge-login-help = Only one login can stay. The other login ends: its sessions and links stop working at once.
admin-merge-confirm = I understand that { $name } will be removed and cannot be restored.
admin-merge-submit = Merge these people
admin-merge-survivor = Person to keep
admin-merge-swap = Keep the other person instead
admin-field-kind = Kind
admin-field-email = E-mail address
admin-field-phones = Phone numbers
admin-field-notifications = E-mail categories
admin-field-username = Username
admin-empty = (empty)
flash-merged = The two people are now one.
flash-address-changed = The e-mail address was changed.

admin-roles-title = Roles
admin-roles-intro = A role is a set of permissions. Give each person the role that fits their work.
admin-role-name = Name
admin-role-holders = { $count ->
    [one] 1 person
   *[other] { $count } people
  }
admin-role-builtin = built in
admin-role-fixed = The administrator role always holds every permission in every branch. It cannot be changed.
admin-role-new = New role
admin-role-create = Create role
admin-role-save = Save permissions
admin-role-edit = Change permissions
admin-role-delete = Delete role
admin-role-delete-confirm = Delete the role { $name }? This cannot be undone.
admin-role-delete-in-use = Nobody may hold a role that is deleted: give these people another role first.
admin-permissions-keyrack = Managing Keyrack
admin-permissions-catalogue = In your applications
flash-role-created = The role was created.
flash-role-saved = The permissions were saved.
flash-role-deleted = The role was deleted.

admin-branches-title = Branches
admin-branches-intro = Branches are the locations of your business. A person can be limited to some branches.
admin-branch-name = Name
admin-branch-in-scope = { $count ->
    [0] nobody has it in scope
    [one] 1 person has it in scope
   *[other] { $count } people have it in scope
  }
admin-branch-create = Add branch
admin-branch-rename = Rename
admin-branch-delete = Delete
admin-branch-delete-confirm = Delete the branch { $name }? { $count ->
    [0] Nobody has it in scope.
    [one] 1 person loses it from their scope.
   *[other] { $count } people lose it from their scope.
  }
flash-branch-created = The branch was added.
flash-branch-renamed = The branch was renamed.
flash-branch-deleted = The branch was deleted.

admin-settings-title = Settings
admin-settings-general = General
admin-settings-name = Name of your organisation
admin-settings-language = Default language
admin-settings-language-hint = New people receive their e-mails in this language until another is chosen for them; the pages use it when a browser asks for none of the five.
admin-settings-password = Passwords
admin-settings-preset = Password rules
admin-settings-preset-default = Recommended: long passwords (at least 15 characters), no forced mix of characters, common and guessable passwords refused
admin-settings-preset-classic = Classic: at least 8 characters with a digit, a special character, a capital and a lower-case letter. Weaker than the recommended rules.
admin-settings-min-length = Minimum length
admin-settings-classes = Required kinds of characters
admin-settings-lower = a lower-case letter
admin-settings-upper = a capital letter
admin-settings-digit = a digit
admin-settings-special = a special character
admin-settings-min-score = Minimum strength (0 to 4; 3 recommended)
admin-settings-registration = Self-registration
admin-settings-registration-intro = Who may create their own account on the sign-in page:
admin-settings-links = Links in e-mails
admin-settings-invitation-hours = An invitation stays valid for (hours)
admin-settings-reset-minutes = A password-reset link stays valid for (minutes)
admin-settings-modules = Modules
admin-settings-modules-intro = Which kinds of people can get access:
admin-module-staff = Staff
admin-module-owners = Owners
admin-module-guests = Guests
flash-settings-saved = The settings were saved.

admin-audit-title = History
admin-audit-intro = Everything that was done, by whom and when, newest first.
admin-audit-who = Who
admin-audit-action = Action
admin-audit-action-any = Any action
admin-audit-person = About person
admin-audit-from = From
admin-audit-to = To
admin-audit-filter = Show
admin-audit-clear = Clear filters
admin-audit-when = When
admin-audit-about = About
admin-audit-changes = Changes
admin-audit-none = Nothing matches these filters.
admin-audit-next = Older events
admin-audit-from-address = from { $address }

permission-people-view = See people
permission-people-manage = Add and change people
permission-access-manage = Give, block and remove access; set passwords
permission-roles-manage = Manage roles
permission-settings-manage = Change settings and branches
permission-audit-view = See the history
permission-import-export = Import and export spreadsheets
permission-appointments-own = Own appointments
permission-appointments-all = All appointments
permission-clients = Client list
permission-sales = Sales
permission-online-booking = Online booking
permission-settings = Application settings
permission-helpdesk = Helpdesk
permission-reports = Reports
permission-portal-owner = Owners' portal
permission-portal-guest = Guests' portal

field-confirm_required = Tick the box to confirm.
field-not_a_number = Enter a whole number.
field-invalid_date = Enter a date such as 2026-03-01.
field-before_from = This date must not be before the first one.
field-same_person = A person cannot be merged with themselves.

console-event-access = Access: everything
console-event-person = People: everything
console-event-role = Roles: everything
console-event-branch = Branches: everything
console-event-import = Imports: everything
console-event-person-merged = Two people merged
console-event-person-deleted = Person deleted
console-event-role-created = Role created
console-event-role-updated = Role permissions changed
console-event-role-deleted = Role deleted
console-event-branch-created = Branch added
console-event-branch-renamed = Branch renamed
console-event-branch-deleted = Branch deleted
console-event-tenant-updated = Settings changed
