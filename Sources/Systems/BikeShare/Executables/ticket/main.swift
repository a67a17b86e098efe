import BikeShare
import Chassis

Service.main(TicketContext.self)
