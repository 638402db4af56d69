#include "client/demo/demo_catalog.h"

namespace pacto::demo {

const std::vector<DepartmentEntry>& Departments() {
  static const auto* const departments = new std::vector<DepartmentEntry>{
      {"LPZ",
       "La Paz",
       "de La Paz",
       "Federación Departamental Única de Trabajadores Campesinos de La Paz \"Tupac Katari\"",
       People::kAymara,
       {{"LPZ-OMA", "Omasuyos", {"Warisata", "Ajllata Grande", "Corpa", "Chiñaya", "Huarina"}},
        {"LPZ-ING", "Ingavi", {"Jesús de Machaca", "Guaqui", "Taraco", "Kasa Achuta"}},
        {"LPZ-LAN", "Los Andes", {"Pucarani", "Batallas", "Laja", "Tambillo"}}}},
      {"CBB",
       "Cochabamba",
       "de Cochabamba",
       "Federación Sindical Única de Trabajadores Campesinos de Cochabamba",
       People::kQuechua,
       {{"CBB-CHA", "Chapare", {"Eterazama", "Isinuta", "Villa 14 de Septiembre", "Paractito"}},
        {"CBB-AYO", "Ayopaya", {"Independencia", "Morochata", "Cocapata", "Kami"}},
        {"CBB-TAP", "Tapacarí", {"Challa", "Ramadas", "Tallija", "Lequepampa"}}}},
      {"SCZ",
       "Santa Cruz",
       "de Santa Cruz",
       "Federación Sindical Única de Trabajadores Campesinos de Santa Cruz",
       People::kLowland,
       {{"SCZ-NCH", "Ñuflo de Chávez", {"San Julián", "Cuatro Cañadas", "San Javier", "Lomerío"}},
        {"SCZ-ICH", "Ichilo", {"Yapacaní", "San Carlos", "Buena Vista", "Puerto Grether"}},
        {"SCZ-COR", "Cordillera", {"Charagua", "Boyuibe", "Gutiérrez", "Lagunillas"}}}},
      {"ORU",
       "Oruro",
       "de Oruro",
       "Federación Sindical Única de Trabajadores Campesinos de Oruro",
       People::kAymara,
       {{"ORU-CER", "Cercado", {"Soracachi", "Caracollo", "El Choro", "Paria"}},
        {"ORU-SAJ", "Sajama", {"Curahuara de Carangas", "Turco", "Lagunas", "Cosapa"}},
        {"ORU-CRG", "Carangas", {"Corque", "Choquecota", "Opoqueri", "Sepulturas"}}}},
      {"PTS",
       "Potosí",
       "de Potosí",
       "Federación Sindical Única de Trabajadores Campesinos de Potosí",
       People::kQuechua,
       {{"PTS-CHY", "Chayanta", {"Colquechaca", "Pocoata", "Ravelo", "Ocurí", "Macha"}},
        {"PTS-TFR", "Tomás Frías", {"Tinguipaya", "Yocalla", "Urmiri", "Tarapaya"}},
        {"PTS-NLI", "Nor Lípez", {"Colcha K", "San Pedro de Quemes", "Santiago K", "Julaca"}}}},
      {"CHQ",
       "Chuquisaca",
       "de Chuquisaca",
       "Federación Única de Trabajadores de Pueblos Originarios de Chuquisaca",
       People::kQuechua,
       {{"CHQ-YAM", "Yamparáez", {"Tarabuco", "Yamparáez", "Pisili", "Jatun Churicana"}},
        {"CHQ-ZUD", "Zudáñez", {"Presto", "Mojocoya", "Icla", "Pasopaya"}},
        {"CHQ-AZU", "Azurduy", {"Tarvita", "Azurduy", "Pampas de Molle"}}}},
      {"TJA",
       "Tarija",
       "de Tarija",
       "Federación Sindical Única de Comunidades Campesinas de Tarija",
       People::kValley,
       {{"TJA-CER", "Cercado", {"Santa Ana", "Tolomosa", "Yesera", "San Mateo"}},
        {"TJA-ARC", "Arce", {"Padcaya", "Rosillas", "Chaguaya", "Emborozú"}},
        {"TJA-OCO", "O'Connor", {"Entre Ríos", "Narváez", "Chiquiacá", "Salinas"}}}},
      {"BEN",
       "Beni",
       "del Beni",
       "Federación Sindical Única de Trabajadores Campesinos del Beni",
       People::kAmazon,
       {{"BEN-MOX", "Moxos", {"San Lorenzo", "San Francisco", "Monte Grande", "Fátima"}},
        {"BEN-BAL", "José Ballivián", {"Yucumo", "San Borja", "Rurrenabaque", "Reyes"}}}},
      {"PND",
       "Pando",
       "de Pando",
       "Federación Sindical Única de Trabajadores Campesinos de Pando",
       People::kAmazon,
       {{"PND-MDD", "Madre de Dios", {"Gonzalo Moreno", "Sena", "San Lorenzo", "Loma Alta"}},
        {"PND-MAN", "Manuripi", {"Puerto Rico", "Filadelfia", "Villa Florida"}}}},
  };
  return *departments;
}

const std::vector<std::string>& RegionalSurnames(People people) {
  static const auto* const aymara = new std::vector<std::string>{
      "Mamani",  "Quispe",  "Condori",   "Choque",   "Huanca",  "Apaza",  "Ticona",
      "Chambi",  "Limachi", "Callisaya", "Yujra",    "Alanoca", "Tarqui", "Cusi",
      "Poma",    "Nina",    "Copa",      "Laura",    "Chura",   "Colque", "Aruquipa",
      "Chipana", "Ajata",   "Mayta",     "Coaquira", "Machaca", "Catari", "Huaycho"};
  static const auto* const quechua = new std::vector<std::string>{
      "Quispe",  "Mamani",  "Choque",   "Colque",   "Villca",  "Ayma",  "Huallpa",
      "Chiri",   "Coca",    "Guarachi", "Yupanqui", "Inca",    "Sirpa", "Taquichiri",
      "Huaraca", "Cahuana", "Challapa", "Huarachi", "Condori", "Ccori", "Tola"};
  static const auto* const guarani =
      new std::vector<std::string>{"Changaray", "Chumiray", "Yarigua", "Aireyu", "Arumbari"};
  static const auto* const moxeno = new std::vector<std::string>{
      "Noe", "Teco", "Semo", "Cayuba", "Yuco", "Maleca", "Guaji", "Moye", "Noza"};
  switch (people) {
    case People::kAymara:
      return *aymara;
    case People::kQuechua:
    case People::kValley:
    case People::kLowland:
    case People::kAmazon:
      return *quechua;
    case People::kGuarani:
      return *guarani;
    case People::kMoxeno:
      return *moxeno;
  }
  return *quechua;
}

const std::vector<std::string>& SpanishSurnames() {
  static const auto* const surnames = new std::vector<std::string>{
      "Flores",   "Gutiérrez", "Rojas",    "Vargas",     "Fernández", "Mendoza",   "Torrez",
      "Gonzales", "Romero",    "Guzmán",   "Herrera",    "Soliz",     "Arancibia", "Ortiz",
      "Cruz",     "López",     "García",   "Pérez",      "Morales",   "Rodríguez", "Vásquez",
      "Montaño",  "Salazar",   "Terrazas", "Justiniano", "Suárez",    "Saavedra",  "Ribera",
      "Vaca",     "Aguilera",  "Céspedes", "Zeballos",   "Cuéllar",   "Peña",      "Ramos"};
  return *surnames;
}

const std::vector<std::string>& GivenNames(bool woman, bool young) {
  static const auto* const women = new std::vector<std::string>{
      "María",   "Juana",     "Justina",    "Felipa",    "Florentina", "Santusa",  "Teodora",
      "Basilia", "Gregoria",  "Sabina",     "Nicolasa",  "Modesta",    "Zenobia",  "Lidia",
      "Rosa",    "Eusebia",   "Petrona",    "Marcelina", "Asunta",     "Victoria", "Filomena",
      "Elena",   "Benedicta", "Candelaria", "Severina",  "Martha",     "Leonarda", "Julia"};
  static const auto* const young_women = new std::vector<std::string>{
      "Ruth",   "Gladys", "Marisol",  "Noemí",   "Yesenia",  "Mayra",   "Deysi",
      "Jhenny", "Roxana", "Lizeth",   "Wendy",   "Carmen",   "Silvia",  "Nélida",
      "Miriam", "Sonia",  "Patricia", "Abigail", "Jhoselin", "Mariela", "Beatriz"};
  static const auto* const men = new std::vector<std::string>{
      "Juan",      "Eugenio",  "Hilarión", "Celestino", "Evaristo", "Andrés",   "Faustino",
      "Marcelino", "Rufino",   "Sixto",    "Crispín",   "Eulogio",  "Teófilo",  "Víctor",
      "Cristóbal", "Gregorio", "Félix",    "Leandro",   "Valentín", "Pascual",  "Tomás",
      "Santiago",  "Simón",    "Mario",    "Fortunato", "Isidro",   "Dionisio", "Ignacio"};
  static const auto* const young_men = new std::vector<std::string>{
      "Edwin", "Wilson", "Ronald",  "Limbert",  "Brayan", "Jhonny",  "Freddy",
      "Rubén", "Elvis",  "Wilmer",  "Henry",    "Franz",  "Rolando", "Ariel",
      "Marco", "Daniel", "Rodrigo", "Jhonatan", "Efraín", "Germán",  "Richard"};
  if (woman) return young ? *young_women : *women;
  return young ? *young_men : *men;
}

const std::vector<std::string>& IndigenousGivenNames(People people, bool woman) {
  static const auto* const andean_women =
      new std::vector<std::string>{"Killa", "Wara", "Nayra", "Kantuta", "Ch'aska", "Sisa"};
  static const auto* const andean_men =
      new std::vector<std::string>{"Amaru", "Inti", "Wayra", "Sayri", "Tupak", "Katari"};
  static const auto* const guarani_women = new std::vector<std::string>{"Arasy"};
  static const auto* const none = new std::vector<std::string>{};
  switch (people) {
    case People::kAymara:
    case People::kQuechua:
      return woman ? *andean_women : *andean_men;
    case People::kGuarani:
      return woman ? *guarani_women : *none;
    case People::kValley:
    case People::kLowland:
    case People::kAmazon:
    case People::kMoxeno:
      return *none;
  }
  return *none;
}

const std::vector<std::string>& GeneralCourses() {
  static const auto* const courses = new std::vector<std::string>{
      "Escuela de formación política Tupac Katari",
      "Historia del movimiento campesino",
      "Economía comunitaria",
      "Derechos de los pueblos indígena originario campesinos",
      "Constitución Política del Estado Plurinacional",
  };
  return *courses;
}

}  // namespace pacto::demo
