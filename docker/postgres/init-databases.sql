-- Each service owns its database.
CREATE DATABASE users;
CREATE DATABASE orders;
