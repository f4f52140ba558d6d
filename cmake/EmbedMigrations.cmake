# Writes a C++ file that holds every sql/NNN_*.sql migration as a string.
# Invoked as: cmake -DOUT=file.cpp -DFILES="a.sql|b.sql" -P EmbedMigrations.cmake
set(body "// Generated from sql/*.sql by cmake/EmbedMigrations.cmake. Do not edit.\n#include \"verpmail/db/Migrations.h\"\nnamespace verpmail {\nconst std::vector<Migration>& embeddedMigrations()\n{\n    static const std::vector<Migration> all = {\n")
string(REPLACE "|" ";" FILES "${FILES}")
foreach(f ${FILES})
  get_filename_component(name ${f} NAME_WE)
  string(SUBSTRING ${name} 0 3 num)
  string(REGEX REPLACE "^0+" "" num "${num}")
  file(READ ${f} sql)
  set(body "${body}        {${num}, \"${name}\", R\"verpmailsql(${sql})verpmailsql\"},\n")
endforeach()
set(body "${body}    };\n    return all;\n}\n} // namespace verpmail\n")
file(WRITE ${OUT}.tmp "${body}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
