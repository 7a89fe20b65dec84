package pushtest

// LoginPage is the HTML the fake sends, with status 200 and a text/html
// content type, to a legacy request whose key is wrong or missing: the real
// service answers such a request with its login page instead of a JSON
// error (FORMAT.md), and a client must recognise it.
const LoginPage = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Log in | Officevibe</title>
</head>
<body>
<main>
<h1>Log in to Officevibe</h1>
<form method="post" action="/login">
<label for="email">Work email</label>
<input id="email" name="email" type="email" autocomplete="username" required>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Log in</button>
</form>
<p><a href="/forgot-password">Forgot your password?</a></p>
</main>
</body>
</html>
`
