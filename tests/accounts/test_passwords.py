import motcua.settings as project_settings


def test_production_passwords_are_hashed_with_argon2():
    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
