from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Sign-up confirmation links: valid once (confirming activates the account) and only for the
    latest sign-up (a new sign-up sets a new password hash, which ends the earlier links)."""

    key_salt = "directory.tokens.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.email}{user.password}{user.is_active}{timestamp}"


email_confirmation_token = EmailConfirmationTokenGenerator()
